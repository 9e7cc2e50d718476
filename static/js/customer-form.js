// The customer form (customers/customer_form.html), as a page or in the modal: show the fields that
// apply to the chosen kind (person or organization) and the block reason only for a blocked status.
// Without JavaScript every field stays visible and the server ignores what does not apply.
const FORM = "[data-customer-form]";

function update(container) {
  const form = container.closest("form") || container;
  const kind = form.querySelector("input[name=kind]:checked");
  const status = form.querySelector("select[name=status]");
  const shown = {
    person: !kind || kind.value !== "organization",
    organization: Boolean(kind) && kind.value === "organization",
    blocked: !status || status.value === "blocked" || hasError(form, "block_reason"),
  };
  container.querySelectorAll("[data-show-for]").forEach((element) => {
    element.hidden = !shown[element.dataset.showFor];
  });
}

function hasError(form, name) {
  return Boolean(form.querySelector(`[data-field-error="${name}"]`));
}

function updateAll(root) {
  const scope = root instanceof Element || root instanceof Document ? root : document;
  if (scope instanceof Element && scope.matches(FORM)) {
    update(scope);
  }
  scope.querySelectorAll(FORM).forEach(update);
}

function onChange(event) {
  if (!event.target.matches("input[name=kind], select[name=status]")) {
    return;
  }
  const form = event.target.closest("form");
  const container = form && form.querySelector(FORM);
  if (container) {
    update(container);
  }
}

// A module runs once however often it is imported, so the listeners are added once.
document.addEventListener("change", onChange);
document.addEventListener("htmx:load", (event) => updateAll(event.detail.elt));
updateAll(document);

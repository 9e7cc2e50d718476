// The deal form (clientbook/deals/forms.py), as a page or in the modal: the lost reason only for a lost
// deal, the rate when a deal in another currency than the customer's is won, with its hint "1 EUR = ? USD"
// following the chosen currency. Without JavaScript every field stays visible.
const RATE = "input[data-deal-rate]";

function hasError(form, name) {
  return Boolean(form.querySelector(`[data-field-error="${name}"]`));
}

function update(form) {
  const stage = form.querySelector("select[data-deal-stage]");
  const reason = form.querySelector("[data-deal-lost-reason]");
  const rate = form.querySelector(RATE);
  const currency = form.querySelector("select[name=currency]");
  if (stage && reason) {
    reason.parentElement.hidden = stage.value !== "lost" && !reason.value && !hasError(form, "lost_reason");
  }
  if (!rate || !currency) {
    return;
  }
  const own = rate.dataset.customerCurrency;
  const chosen = currency.value || own;
  const other = Boolean(own) && chosen !== own;
  // Asked for when a deal in another currency (or one whose customer is not known yet) is won.
  const needed = Boolean(stage) && stage.value === "won" && (!own || other);
  rate.parentElement.hidden = !needed && !(other && rate.value) && !hasError(form, "exchange_rate");
  const hint = form.querySelector(`#${rate.id}_helptext`);
  if (hint && other) {
    hint.textContent = `1 ${chosen} = ? ${own}`;
  }
}

function updateAll(root) {
  const scope = root instanceof Element || root instanceof Document ? root : document;
  const forms = new Set();
  if (scope instanceof Element && scope.matches(RATE)) {
    forms.add(scope.closest("form"));
  }
  scope.querySelectorAll(RATE).forEach((rate) => forms.add(rate.closest("form")));
  forms.forEach((form) => form && update(form));
}

function onChange(event) {
  if (!event.target.matches("select[data-deal-stage], select[name=currency]")) {
    return;
  }
  const form = event.target.closest("form");
  if (form && form.querySelector(RATE)) {
    update(form);
  }
}

// A module runs once however often it is imported, so the listeners are added once.
document.addEventListener("change", onChange);
document.addEventListener("htmx:load", (event) => updateAll(event.detail.elt));
updateAll(document);

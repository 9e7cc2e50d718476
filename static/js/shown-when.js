// Fields of a kit form that apply only while another field holds one of some values (KitForm.shown_when:
// a call's phone number, the duration of calls and meetings): each widget carries data-shown-when (the
// other field's name) and data-shown-values, and its field is hidden while the other field holds none of
// them. Without JavaScript every field stays visible, and the server ignores what a field that does not
// apply holds.
const DEPENDENT = "[data-shown-when]";

function valueOf(form, name) {
  const field = form.querySelector(`[name="${name}"]:checked`) || form.querySelector(`[name="${name}"]`);
  return field ? field.value : "";
}

function update(form) {
  form.querySelectorAll(DEPENDENT).forEach((widget) => {
    const shown = widget.dataset.shownValues.split(" ").includes(valueOf(form, widget.dataset.shownWhen));
    (widget.closest("[data-field]") || widget).hidden = !shown;
  });
}

function updateWithin(root) {
  const scope = root instanceof Element || root instanceof Document ? root : document;
  const forms = new Set();
  if (scope instanceof Element && scope.matches(DEPENDENT) && scope.form) {
    forms.add(scope.form);
  }
  scope.querySelectorAll(DEPENDENT).forEach((widget) => widget.form && forms.add(widget.form));
  forms.forEach(update);
}

function onChange(event) {
  const { form, name } = event.target;
  if (form && name && form.querySelector(`[data-shown-when="${name}"]`)) {
    update(form);
  }
}

export function initShownWhen() {
  document.addEventListener("change", onChange);
  document.addEventListener("htmx:load", (event) => updateWithin(event.detail.elt));
  updateWithin(document);
}

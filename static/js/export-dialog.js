// The Export dialog (core/export_dialog.html): "Select all" switches every field on or off and is on
// only while every field is; a refused export (429, too many a minute) is shown in the dialog like any
// refused form instead of only a toast.
function fieldBoxes(form) {
  return [...form.querySelectorAll("[data-export-field]")];
}

function syncSelectAll(form) {
  const all = form.querySelector("[data-export-select-all]");
  if (!all) {
    return;
  }
  const boxes = fieldBoxes(form);
  const checked = boxes.filter((box) => box.checked).length;
  all.checked = boxes.length > 0 && checked === boxes.length;
}

export function initExportDialog() {
  document.addEventListener("change", (event) => {
    const form = event.target.closest("[data-export-form]");
    if (!form) {
      return;
    }
    if (event.target.matches("[data-export-select-all]")) {
      fieldBoxes(form).forEach((box) => {
        box.checked = event.target.checked;
      });
    }
    syncSelectAll(form);
  });
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (source && source.closest && source.closest("[data-export-form], [data-swap-429]") && event.detail.xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
}

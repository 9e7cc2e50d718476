// Lists with bulk actions (core/_bulk_bar.html): the row checkboxes belong to #bulk-form, the
// heading's box selects the page, the bar of actions shows while rows are selected, and once the
// whole page is selected a banner offers every row matching the list (like Gmail), which enables the
// form's "all" field. Without JavaScript the form still submits the checked rows (its bar is in a
// <noscript>). A new results fragment brings a new form and unchecked boxes: the selection is per view.
const FORM = "[data-bulk-form]";
const numbers = new Intl.NumberFormat("en");

function rowBoxes(form) {
  return Array.from(document.querySelectorAll(`input[data-select-row][form="${CSS.escape(form.id)}"]`));
}

function pageBox(form) {
  const results = form.closest(".list-results") || document;
  return results.querySelector("input[data-select-page]");
}

function allField(form) {
  return form.querySelector("[data-select-all-input]");
}

function selectAllMatching(form, on) {
  allField(form).disabled = !on;
}

function update(form) {
  const boxes = rowBoxes(form);
  const checked = boxes.filter((box) => box.checked).length;
  const all = !allField(form).disabled;
  const wholePage = checked > 0 && checked === boxes.length;

  form.querySelector("[data-bulk-bar]").hidden = checked === 0;
  form.querySelector("[data-bulk-count]").textContent = all
    ? `All ${numbers.format(Number(form.dataset.total))} selected`
    : `${numbers.format(checked)} selected`;

  const header = pageBox(form);
  if (header) {
    header.checked = wholePage;
    header.indeterminate = checked > 0 && !wholePage;
  }
  const banner = form.querySelector("[data-select-banner]");
  if (banner) {
    banner.hidden = !wholePage;
    banner.querySelectorAll("[data-banner-page]").forEach((element) => {
      element.hidden = all;
    });
    banner.querySelectorAll("[data-banner-all]").forEach((element) => {
      element.hidden = !all;
    });
  }
}

function formOfPageBox(box) {
  const results = box.closest(".list-results") || document;
  return results.querySelector(FORM);
}

function onChange(event) {
  const target = event.target;
  if (target.matches("input[data-select-row]") && target.form && target.form.matches(FORM)) {
    if (!target.checked) {
      selectAllMatching(target.form, false);
    }
    update(target.form);
  } else if (target.matches("input[data-select-page]")) {
    const form = formOfPageBox(target);
    if (!form) {
      return;
    }
    rowBoxes(form).forEach((box) => {
      box.checked = target.checked;
    });
    if (!target.checked) {
      selectAllMatching(form, false);
    }
    update(form);
  }
}

function onClick(event) {
  const button = event.target.closest("[data-select-all], [data-clear-selection]");
  const form = button && button.closest(FORM);
  if (!form) {
    return;
  }
  if (button.hasAttribute("data-select-all")) {
    selectAllMatching(form, true);
  } else {
    rowBoxes(form).forEach((box) => {
      box.checked = false;
    });
    selectAllMatching(form, false);
  }
  update(form);
}

function updateWithin(root) {
  const scope = root instanceof Element || root instanceof Document ? root : document;
  if (scope instanceof Element && scope.matches(FORM)) {
    update(scope);
  }
  scope.querySelectorAll(FORM).forEach(update);
}

export function initBulkSelection() {
  document.addEventListener("change", onChange);
  document.addEventListener("click", onClick);
  // Boxes a browser restored (Back) or a fresh fragment: the bar follows what is checked.
  document.addEventListener("htmx:load", (event) => updateWithin(event.detail.elt));
  updateWithin(document);
}

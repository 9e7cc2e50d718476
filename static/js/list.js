// List pages (core/list.html): the column menu never hides the last column, and the Clear / Default
// links reset the form in place and reload only the results (their hrefs still work without JavaScript).
const htmx = window.htmx;

function listForm() {
  return document.getElementById("list-form");
}

function resetField(field) {
  if (field.type === "checkbox" || field.type === "radio") {
    field.checked = false;
  } else if (field.tagName === "SELECT") {
    field.selectedIndex = field.multiple ? -1 : 0;
  } else {
    field.value = "";
  }
}

function keepOneColumn(event) {
  const box = event.target.closest("[data-column-toggle]");
  if (!box || !box.checked) {
    return;
  }
  const menu = box.closest("[data-column-menu]");
  const checked = menu.querySelectorAll("[data-column-toggle]:checked");
  if (checked.length === 1) {
    event.preventDefault();
  }
}

function clearFilters(event) {
  const link = event.target.closest("[data-clear-filters], [data-clear-all]");
  const form = listForm();
  if (!link || !form || event.ctrlKey || event.metaKey) {
    return;
  }
  event.preventDefault();
  form.querySelectorAll("#advanced-search input, #advanced-search select").forEach(resetField);
  if (link.hasAttribute("data-clear-all")) {
    form.querySelector("input[name=q]").value = "";
  }
  form.requestSubmit();
}

function defaultColumns(event) {
  const link = event.target.closest("[data-default-columns]");
  const form = listForm();
  if (!link || !form) {
    return;
  }
  event.preventDefault();
  const menu = form.querySelector("[data-column-menu]");
  menu.querySelectorAll("[data-column-toggle]").forEach((box) => {
    box.checked = box.hasAttribute("data-default");
  });
  htmx.trigger(menu, "change");
}

// A filter's error arrives out of band with the results; mark its field(s) to match.
function markInvalidField(event) {
  const replaced = event.detail.target;
  if (!replaced || !replaced.id || !replaced.id.startsWith("filter-error-")) {
    return;
  }
  // An outerHTML swap reports the element it replaced; read the one now in the page.
  const holder = document.getElementById(replaced.id);
  const name = replaced.id.slice("filter-error-".length);
  const invalid = holder.textContent.trim() !== "";
  document.querySelectorAll(`#list-form [name="${CSS.escape(name)}"]`).forEach((field) => {
    if (invalid) {
      field.setAttribute("aria-invalid", "true");
    } else {
      field.removeAttribute("aria-invalid");
    }
  });
}

export function initListPage() {
  document.body.addEventListener("htmx:oobAfterSwap", markInvalidField);
  document.addEventListener("click", keepOneColumn, true);
  document.addEventListener("click", clearFilters);
  document.addEventListener("click", defaultColumns);
}

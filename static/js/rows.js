// Clicking a table row that has data-href opens it; links, buttons and form controls inside the row keep
// their own behaviour, selecting text does not navigate, and Ctrl/⌘/middle click opens a new tab.
const INTERACTIVE = "a, button, input, select, textarea, label, summary, [data-no-row-click]";

function rowTarget(event) {
  const row = event.target.closest("tr[data-href]");
  if (!row || event.target.closest(INTERACTIVE)) {
    return null;
  }
  if (window.getSelection().toString()) {
    return null;
  }
  return row;
}

export function initRowLinks() {
  document.addEventListener("click", (event) => {
    const row = rowTarget(event);
    if (!row || event.button !== 0) {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.shiftKey) {
      window.open(row.dataset.href, "_blank", "noopener");
    } else {
      window.location.assign(row.dataset.href);
    }
  });
  document.addEventListener("auxclick", (event) => {
    const row = rowTarget(event);
    if (row && event.button === 1) {
      window.open(row.dataset.href, "_blank", "noopener");
    }
  });
}

// Accounts pages: confirm destructive forms and copy a new API token (no inline scripts under the CSP).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) {
    return;
  }
  const input = document.getElementById(button.dataset.copyTarget);
  const label = button.querySelector("span") || button;
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    label.textContent = "Copied";
  } catch {
    // Clipboard access needs a secure context; the text is selected so Ctrl+C still works.
    label.textContent = "Press Ctrl+C";
  }
});

document.addEventListener("focusin", (event) => {
  if (event.target.matches("[data-select-on-focus]")) {
    event.target.select();
  }
});

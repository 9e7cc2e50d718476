// Ctrl+K (⌘K) focuses the page's own search box when it has one, else the sidebar's customer search.
export function initHotkeys() {
  document.addEventListener("keydown", (event) => {
    if (event.key.toLowerCase() !== "k" || !(event.ctrlKey || event.metaKey) || event.altKey) {
      return;
    }
    const field = document.querySelector("[data-hotkey-search]") || document.querySelector("[data-hotkey-global]");
    if (field) {
      event.preventDefault();
      field.focus();
      field.select();
    }
  });
}

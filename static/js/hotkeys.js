// Ctrl+K (⌘K on a Mac) opens the search palette on every page; so does "/" when the focus is not in a
// text field (there it types a slash). Neither opens it over a modal form.
const NOT_TEXT_INPUTS = new Set(["button", "checkbox", "color", "file", "image", "radio", "range", "reset", "submit"]);

function inTextField(element) {
  if (!element || element === document.body) {
    return false;
  }
  if (element.isContentEditable || element.tagName === "TEXTAREA" || element.tagName === "SELECT") {
    return true;
  }
  return element.tagName === "INPUT" && !NOT_TEXT_INPUTS.has(element.type);
}

function isMac() {
  const platform = navigator.userAgentData?.platform || navigator.platform || "";
  return /mac|iphone|ipad/i.test(platform);
}

export function initHotkeys(palette) {
  if (!palette) {
    return;
  }
  if (isMac()) {
    for (const hint of document.querySelectorAll("[data-hotkey-hint]")) {
      hint.textContent = "⌘K";
    }
  }
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || document.querySelector(".modal.show")) {
      return;
    }
    const ctrlK = event.key.toLowerCase() === "k" && (event.ctrlKey || event.metaKey) && !event.altKey;
    const slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !inTextField(event.target);
    if (ctrlK || (slash && !palette.isOpen())) {
      event.preventDefault();
      palette.open();
    }
  });
}

// The shared modal (#modal in base.html): opens when a fragment is swapped into #modal-content,
// closes on the server's `closeModal` trigger, and is emptied when hidden so stale forms never reappear.
export function initModal() {
  const element = document.getElementById("modal");
  const content = document.getElementById("modal-content");
  if (!element || !content) {
    return;
  }
  const modal = window.bootstrap.Modal.getOrCreateInstance(element);
  let opening = false;

  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target === content && !element.classList.contains("show")) {
      opening = true;
      modal.show();
    }
  });
  document.body.addEventListener("closeModal", () => {
    // Bootstrap ignores hide() while the modal is still fading in; close it once it is shown.
    if (opening) {
      element.addEventListener("shown.bs.modal", () => modal.hide(), { once: true });
    } else {
      modal.hide();
    }
  });
  element.addEventListener("shown.bs.modal", () => {
    opening = false;
    // Someone who already clicked into a field while the modal faded in keeps their place.
    if (content.contains(document.activeElement)) {
      return;
    }
    const field = content.querySelector("[autofocus], input:not([type=hidden]), select, textarea");
    if (field) {
      field.focus();
    }
  });
  element.addEventListener("hidden.bs.modal", () => content.replaceChildren());
}

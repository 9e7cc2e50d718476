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
  // A field someone clicked into while the modal faded in: Bootstrap's focus trap takes the focus to
  // the dialog once it is shown, and it goes back there, not to the first field, so typing never
  // lands in another field.
  let fieldInUse = null;
  content.addEventListener("focusin", (event) => {
    if (opening) {
      fieldInUse = event.target;
    }
  });
  element.addEventListener("shown.bs.modal", () => {
    opening = false;
    const field =
      fieldInUse || content.querySelector("[autofocus], input:not([type=hidden]), select, textarea");
    fieldInUse = null;
    if (field) {
      field.focus();
    }
  });
  element.addEventListener("hidden.bs.modal", () => content.replaceChildren());
}

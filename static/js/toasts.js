// Bootstrap toasts: Django messages rendered by base.html, `showToast` events sent by the server in
// an HX-Trigger header, and failed htmx requests (which htmx otherwise drops silently).
// A toast with an `undo` action ({"url", "label"}) shows a button that posts to that URL through htmx
// (the CSRF token comes from the body's hx-headers) and stays longer, so there is time to press it.
const LEVELS = new Set(["success", "info", "warning", "danger", "primary", "secondary"]);
const DELAY = 5000;
const UNDO_DELAY = 15000;

function undoButton(undo) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-sm btn-light fw-semibold";
  button.textContent = undo.label || "Undo";
  button.dataset.testid = "toast-undo";
  button.setAttribute("hx-post", undo.url);
  button.setAttribute("hx-swap", "none");
  const action = document.createElement("div");
  action.className = "toast-action ms-auto d-flex align-items-center";
  action.append(button);
  return action;
}

export function showToast(message, level = "success", undo = null) {
  const container = document.getElementById("toasts");
  if (!container || !message) {
    return;
  }
  const toast = document.createElement("div");
  toast.className = `toast align-items-center border-0 text-bg-${LEVELS.has(level) ? level : "info"}`;
  toast.setAttribute("role", level === "danger" ? "alert" : "status");
  const row = document.createElement("div");
  row.className = "d-flex";
  const body = document.createElement("div");
  body.className = "toast-body";
  body.textContent = message;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn-close btn-close-white me-2 m-auto";
  close.dataset.bsDismiss = "toast";
  close.setAttribute("aria-label", "Close");
  row.append(body);
  if (undo && undo.url) {
    toast.dataset.undo = "";
    row.append(undoButton(undo));
  }
  row.append(close);
  toast.append(row);
  container.append(toast);
  window.htmx.process(toast);
  reveal(toast);
}

// One toast at a time: the newest replaces the one shown, so toasts stay in the strip kept for them.
// (An operation's Undo stays on its page, linked from the audit log and the customers' History.)
// The one replaced fades out rather than leaving at once: its Undo's answer may still be triggering
// events from it (a refresh of the list).
function reveal(toast) {
  toast.parentElement.querySelectorAll(".toast.show").forEach((other) => {
    if (other !== toast) {
      window.bootstrap.Toast.getOrCreateInstance(other).hide();
    }
  });
  toast.addEventListener("hidden.bs.toast", () => toast.remove());
  const delay = toast.hasAttribute("data-undo") ? UNDO_DELAY : DELAY;
  window.bootstrap.Toast.getOrCreateInstance(toast, { delay }).show();
}

function errorText(status) {
  if (status === 403) {
    return "Your role does not allow this.";
  }
  if (status === 404) {
    return "That record no longer exists.";
  }
  if (status === 409 || status === 412) {
    return "Someone else changed this record meanwhile. Reload and try again.";
  }
  if (status === 429) {
    return "Too many requests; wait a moment and try again.";
  }
  return `Something went wrong (error ${status}). Please try again.`;
}

export function initToasts() {
  document.querySelectorAll("#toasts .toast[data-autoshow]").forEach(reveal);
  document.body.addEventListener("showToast", (event) => {
    const detail = event.detail || {};
    showToast(detail.message, detail.level, detail.undo);
  });
  // Once its Undo went through, a toast has done its job; the server's answer brings its own toast.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const toast = event.detail.elt.closest("#toasts .toast");
    if (toast && event.detail.successful) {
      window.bootstrap.Toast.getOrCreateInstance(toast).hide();
    }
  });
  document.body.addEventListener("htmx:responseError", (event) => {
    showToast(errorText(event.detail.xhr.status), "danger");
  });
  document.body.addEventListener("htmx:sendError", () => {
    showToast("The server cannot be reached. Check the connection and try again.", "danger");
  });
}

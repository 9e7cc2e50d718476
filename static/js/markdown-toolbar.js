// A small Markdown toolbar above every textarea[data-markdown-toolbar] (a note's text): each button
// wraps the selection (or a placeholder word) in the Markdown for bold, italic, a list, a link or code.
// Without JavaScript the textarea is a plain one and the Markdown is typed by hand.
const TEXTAREA = "textarea[data-markdown-toolbar]";

const BUTTONS = [
  { key: "bold", label: "Bold", icon: "bi-type-bold", before: "**", after: "**", placeholder: "bold text" },
  { key: "italic", label: "Italic", icon: "bi-type-italic", before: "*", after: "*", placeholder: "italic text" },
  { key: "list", label: "Bulleted list", icon: "bi-list-ul", linePrefix: "- ", placeholder: "item" },
  { key: "link", label: "Link", icon: "bi-link-45deg", before: "[", after: "](https://)", placeholder: "link text" },
  { key: "code", label: "Code", icon: "bi-code", before: "`", after: "`", placeholder: "code" },
];

function apply(textarea, button) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const selected = value.slice(start, end) || button.placeholder;
  let inserted;
  let selectFrom;
  let selectTo;
  if (button.linePrefix) {
    inserted = selected
      .split("\n")
      .map((line) => button.linePrefix + line)
      .join("\n");
    // A list starts on a line of its own.
    if (start > 0 && value[start - 1] !== "\n") {
      inserted = "\n" + inserted;
    }
    selectFrom = start + inserted.length;
    selectTo = selectFrom;
  } else {
    inserted = button.before + selected + button.after;
    selectFrom = start + button.before.length;
    selectTo = selectFrom + selected.length;
  }
  textarea.focus();
  textarea.setRangeText(inserted, start, end, "end");
  textarea.setSelectionRange(selectFrom, selectTo);
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

function toolbarFor(textarea) {
  const bar = document.createElement("div");
  bar.className = "btn-toolbar gap-1 mb-1 markdown-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Formatting");
  BUTTONS.forEach((button) => {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-sm btn-outline-secondary";
    element.title = button.label;
    element.setAttribute("aria-label", button.label);
    element.dataset.markdown = button.key;
    const icon = document.createElement("i");
    icon.className = `bi ${button.icon}`;
    icon.setAttribute("aria-hidden", "true");
    element.append(icon);
    element.addEventListener("click", () => apply(textarea, button));
    bar.append(element);
  });
  return bar;
}

function enhance(root) {
  const scope = root instanceof Element || root instanceof Document ? root : document;
  const textareas = scope instanceof Element && scope.matches(TEXTAREA) ? [scope] : [];
  textareas.push(...scope.querySelectorAll(TEXTAREA));
  textareas.forEach((textarea) => {
    if (textarea.dataset.markdownToolbarReady) {
      return;
    }
    textarea.dataset.markdownToolbarReady = "1";
    textarea.before(toolbarFor(textarea));
  });
}

export function initMarkdownToolbar() {
  enhance(document);
  document.addEventListener("htmx:load", (event) => enhance(event.detail.elt));
}

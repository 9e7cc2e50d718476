// The Ctrl+K palette (templates/base.html #palette): the universal search as the user types, its
// results grouped by kind (the fragment of search:palette, clientbook/core/kit/search_views.py).
// The input is a combobox: ArrowUp/ArrowDown move the highlight (aria-activedescendant), Enter opens
// the highlighted result (the exact match when there is one), Escape closes and focus goes back.
const DEBOUNCE_MS = 150;

export function initPalette() {
  const dialog = document.querySelector("[data-palette]");
  if (!dialog) {
    return null;
  }
  const input = dialog.querySelector("[data-palette-input]");
  const results = dialog.querySelector("[data-palette-results]");
  const status = dialog.querySelector("[data-palette-status]");
  let controller = null;
  let timer = null;
  let opener = null;

  const options = () => [...results.querySelectorAll("[data-search-option]")];
  const highlighted = () => results.querySelector("[data-search-option][aria-selected='true']");

  // The results on screen answer what is typed now (not an earlier, shorter query).
  function current() {
    const shown = results.querySelector("[data-search-results]");
    return shown !== null && shown.dataset.query.trim() === input.value.trim();
  }

  function highlight(option) {
    for (const other of options()) {
      other.setAttribute("aria-selected", other === option ? "true" : "false");
    }
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function move(step) {
    const all = options();
    if (all.length === 0) {
      return;
    }
    const index = all.indexOf(highlighted());
    highlight(all[(index + step + all.length) % all.length]);
  }

  function show(html) {
    results.innerHTML = html;
    const all = options();
    all.forEach((option, index) => {
      option.id = `palette-option-${index}`;
      option.tabIndex = -1;
    });
    input.setAttribute("aria-expanded", all.length > 0 ? "true" : "false");
    highlight(results.querySelector("[data-search-option][data-exact]") || all[0] || null);
    const found = results.querySelectorAll(".search-result").length;
    status.textContent = input.value.trim() ? `${found} result${found === 1 ? "" : "s"}` : "";
  }

  // Asks for the typed query's results; an earlier request still under way is cancelled.
  async function search() {
    clearTimeout(timer);
    controller?.abort();
    const query = input.value.trim();
    if (!query) {
      show("");
      return;
    }
    controller = new AbortController();
    try {
      const response = await fetch(`${dialog.dataset.url}?${new URLSearchParams({ q: query })}`, {
        signal: controller.signal,
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
      // A session that ended: the login gate names the page to go to.
      const redirect = response.headers.get("HX-Redirect");
      if (redirect) {
        window.location.assign(redirect);
        return;
      }
      if (!response.ok && response.status !== 422) {
        throw new Error(`search answered ${response.status}`);
      }
      show(await response.text());
    } catch (error) {
      if (error.name !== "AbortError") {
        show('<p class="search-message text-danger" role="alert">The search failed; try again.</p>');
      }
    }
  }

  async function openHighlighted() {
    if (!current()) {
      await search();
    }
    const option = highlighted();
    if (option) {
      window.location.assign(option.href);
    } else if (input.value.trim()) {
      dialog.querySelector("form").submit();
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      openHighlighted();
    }
  });
  results.addEventListener("mousemove", (event) => {
    const option = event.target.closest("[data-search-option]");
    if (option && option !== highlighted()) {
      highlight(option);
    }
  });
  // A click on the backdrop (the dialog element itself, outside its content) closes it.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) {
      dialog.close();
    }
  });
  dialog.querySelector("[data-palette-close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    clearTimeout(timer);
    controller?.abort();
    if (opener && opener.isConnected) {
      opener.focus();
    }
    opener = null;
  });

  function open(text = "") {
    if (!dialog.open) {
      opener = document.activeElement;
      // The sidebar, open as a panel on a narrow screen, would keep the focus in itself.
      const panel = document.querySelector(".offcanvas-lg.show");
      if (panel) {
        window.bootstrap?.Offcanvas.getInstance(panel)?.hide();
      }
      dialog.showModal();
    }
    if (text) {
      input.value = text;
    }
    input.focus();
    input.select();
    if (input.value.trim() && !current()) {
      search();
    }
  }

  // The sidebar's search box opens the palette with what it holds; without JavaScript it is a plain form.
  for (const field of document.querySelectorAll("[data-palette-opener]")) {
    field.addEventListener("click", () => {
      field.blur();
      open(field.value);
    });
    field.addEventListener("keydown", (event) => {
      if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        open(field.value + event.key);
      }
    });
  }

  return { open, isOpen: () => dialog.open };
}

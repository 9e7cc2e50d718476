// Entry point of the site's JavaScript (loaded as a module; no inline scripts under the CSP).
import "./customer-form.js"; // the customer form's kind and status toggles, on its page and in the modal
import "./deal-form.js"; // the deal form's lost reason and rate, shown when they apply
import { initBulkSelection } from "./bulk.js";
import { initExportDialog } from "./export-dialog.js";
import { initHotkeys } from "./hotkeys.js";
import { initListPage } from "./list.js";
import { initMarkdownToolbar } from "./markdown-toolbar.js";
import { initModal } from "./modal.js";
import { initPalette } from "./palette.js";
import { initRowLinks } from "./rows.js";
import { initShownWhen } from "./shown-when.js";
import { initToasts } from "./toasts.js";

initToasts();
initModal();
initRowLinks();
initListPage();
initHotkeys(initPalette());
initExportDialog();
initBulkSelection();
initMarkdownToolbar();
initShownWhen();

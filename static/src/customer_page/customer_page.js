/**
 * The script of the customer's pages (overview, check-in, report): plain JavaScript on
 * purpose. The page is read on a phone on mobile data; Odoo's frontend framework would
 * be most of what it loads. The page reads without this script; it makes answering
 * work: every choice is saved at once (kept on the phone while the connection is
 * down, see pending_answers.js), the summary follows, and "Confirm" sends the answer once.
 */
import { ConnectionLost, PendingAnswers, postJson } from "./pending_answers";

/** A sentence of the page, in its language (rendered by the server in .o_workshop_texts). */
function text(key) {
    return document.querySelector(`.o_workshop_texts [data-key=${key}]`)?.textContent.trim() || "";
}

/** A route of the page `token` opened, asked to answer in the page's language. */
function pageUrl(token, route) {
    const lang = encodeURIComponent(document.documentElement.lang.replace("-", "_"));
    return `/workshop/c/${encodeURIComponent(token)}/${route}?lang=${lang}`;
}

/** Post to a route; a lost connection becomes the page's "no connection" answer. */
async function post(url, params) {
    try {
        return await postJson(url, params);
    } catch (error) {
        if (error instanceof ConnectionLost) {
            return { ok: false, error: text("offline") };
        }
        throw error;
    }
}

// What a person does on a page and a link scanner does not (scanners load pages,
// some even run their scripts, but they do not touch, scroll or type).
const PERSON_EVENTS = ["pointerdown", "touchstart", "keydown", "wheel", "scroll"];

/**
 * Tells the workshop that a person is looking at the page: at the first touch,
 * click, key or scroll while it is visible, one beacon. The server counts repeated
 * loads of one visit as one opening.
 */
function watchOpening(page) {
    const token = page.dataset.openedToken;
    const onPersonEvent = () => {
        if (document.visibilityState !== "visible") {
            return;
        }
        for (const type of PERSON_EVENTS) {
            window.removeEventListener(type, onPersonEvent, { capture: true });
        }
        // Nothing to show the customer either way: a failed beacon only leaves the page unopened.
        postJson(`/workshop/c/${encodeURIComponent(token)}/opened`, {}).catch(() => {});
    };
    for (const type of PERSON_EVENTS) {
        window.addEventListener(type, onPersonEvent, { passive: true, capture: true });
    }
}

/**
 * A signature drawn with a finger or the mouse; when nothing is drawn, the signer's
 * typed name is drawn as their signature (a keyboard is enough to sign).
 */
class SignaturePad {
    constructor(el) {
        this.el = el;
        this.canvas = el.querySelector(".o_workshop_signature_pad");
        this.nameInput = el.querySelector(".o_workshop_signer");
        this.context = this.canvas.getContext("2d");
        this.drawn = false;
        this.last = null;
        this.fit();
        // A new width (a phone turned) gives a new box: the drawing starts again.
        window.addEventListener("resize", () => {
            if (Math.round(this.canvas.getBoundingClientRect().width * this.scale) !== this.canvas.width) {
                this.fit();
            }
        });
        this.canvas.addEventListener("pointerdown", (ev) => this.start(ev));
        this.canvas.addEventListener("pointermove", (ev) => this.move(ev));
        for (const type of ["pointerup", "pointercancel", "pointerleave"]) {
            this.canvas.addEventListener(type, () => (this.last = null));
        }
        el.querySelector(".o_workshop_signature_clear").addEventListener("click", () => this.clear());
    }

    /** The canvas as many pixels as its box shows (sharp on any screen), the ink as wide on every phone. */
    fit() {
        this.scale = window.devicePixelRatio || 1;
        const box = this.canvas.getBoundingClientRect();
        this.canvas.width = Math.max(1, Math.round(box.width * this.scale));
        this.canvas.height = Math.max(1, Math.round(box.height * this.scale));
        this.drawn = false;
    }

    point(ev) {
        const box = this.canvas.getBoundingClientRect();
        return [
            ((ev.clientX - box.left) * this.canvas.width) / box.width,
            ((ev.clientY - box.top) * this.canvas.height) / box.height,
        ];
    }

    start(ev) {
        ev.preventDefault();
        this.canvas.setPointerCapture?.(ev.pointerId);
        this.last = this.point(ev);
    }

    move(ev) {
        if (!this.last) {
            return;
        }
        const next = this.point(ev);
        const context = this.context;
        context.strokeStyle = "#111";
        context.lineWidth = 2.5 * this.scale;
        context.lineCap = "round";
        context.beginPath();
        context.moveTo(...this.last);
        context.lineTo(...next);
        context.stroke();
        this.last = next;
        this.drawn = true;
    }

    clear() {
        this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
        this.drawn = false;
    }

    get name() {
        return this.nameInput.value.trim();
    }

    /** The signature as base64 PNG, or "" when there is neither a drawing nor a name. */
    image() {
        if (!this.drawn) {
            if (!this.name) {
                return "";
            }
            this.clear();
            const context = this.context;
            context.fillStyle = "#111";
            const size = Math.round(this.canvas.height * 0.35);
            context.font = `italic ${size}px "Segoe Script", "Brush Script MT", cursive`;
            context.textAlign = "center";
            context.textBaseline = "middle";
            context.fillText(this.name, this.canvas.width / 2, this.canvas.height / 2, this.canvas.width * 0.9);
        }
        return this.canvas.toDataURL("image/png").split(",")[1];
    }
}

/** The answering part of the overview and check-in pages. */
class CustomerAnswers {
    constructor(el) {
        this.el = el;
        this.token = el.dataset.token;
        this.busy = new Set();
        const signatureEl = el.querySelector(".o_workshop_signature");
        this.signature = signatureEl ? new SignaturePad(signatureEl) : null;
        // Decisions are kept on the phone until the workshop has them (see pending_answers.js).
        this.pending = new PendingAnswers(this.token, (answer) => postJson(this.url("decide"), answer));
    }

    /** Run `handler(ev, target)` on `type` events of the page's elements matching `selector`. */
    on(type, selector, handler) {
        this.el.addEventListener(type, (ev) => {
            const target = ev.target.closest(selector);
            if (target && this.el.contains(target)) {
                handler.call(this, ev, target);
            }
        });
    }

    start() {
        // A confirmed page is read-only, and offers "I changed my mind".
        this.on("click", ".o_workshop_reopen", this.locked("reopen", this.onReopen));
        if (this.el.dataset.readonly === "1") {
            // Answers kept for a page that can no longer be changed cannot be sent: say so, once.
            if (this.pending.count) {
                this.pending.clear();
                this.showResult({ ok: false, error: text("kept_dropped") });
            }
            return;
        }
        const on = this.on.bind(this);
        on("change", ".o_workshop_decision", this.onDecisionChange);
        on("change", ".o_workshop_reason_select", this.onDetailChange);
        on("change", ".o_workshop_question_input", this.onDetailChange);
        on("change", ".o_workshop_conditions_check", this.onConditionsChange);
        on("change", ".o_workshop_service_choice", this.onServiceChange);
        on("change", ".o_workshop_limit_input", this.onLimitChange);
        on("change", ".o_workshop_files", this.onFilesChange);
        on("submit", ".o_workshop_contact_form", this.locked("contact", this.onContactSubmit));
        on("submit", ".o_workshop_remark_form", this.locked("remark", this.onRemarkSubmit));
        on("click", ".o_workshop_confirm", this.locked("confirm", this.onConfirm));
        window.addEventListener("online", () => this.sendPending());
        this.showKept();
        this.sendPending();
    }

    /** `handler` runs once at a time (a double tap sends nothing twice); the default action never runs. */
    locked(key, handler) {
        return async (ev, target) => {
            ev.preventDefault();
            if (this.busy.has(key)) {
                return;
            }
            this.busy.add(key);
            try {
                await handler.call(this, ev, target);
            } finally {
                this.busy.delete(key);
            }
        };
    }

    url(route) {
        return pageUrl(this.token, route);
    }

    /** The page shows what the phone kept (opened again before they were sent), not the server's older choice. */
    showKept() {
        for (const [lineId, answer] of Object.entries(this.pending.all())) {
            const item = this.el.querySelector(`.o_workshop_item[data-line-id="${lineId}"]`);
            if (!item) {
                continue;
            }
            for (const radio of item.querySelectorAll(".o_workshop_decision")) {
                radio.checked = radio.value === answer.decision;
            }
            const reason = item.querySelector(".o_workshop_reason_select");
            if (reason) {
                reason.value = answer.reason || "";
            }
            const question = item.querySelector(".o_workshop_question_input");
            if (question) {
                question.value = answer.question || "";
            }
            item.querySelector(".o_workshop_reason").hidden = answer.decision !== "declined";
            item.querySelector(".o_workshop_question").hidden = answer.decision !== "contact";
            this.markItem(lineId, "pending");
        }
    }

    /** Say under the item whether the workshop has its answer ("saved"), or the phone keeps it ("pending"). */
    markItem(lineId, state) {
        const status = this.el.querySelector(`.o_workshop_item[data-line-id="${lineId}"] .o_workshop_item_status`);
        if (status) {
            status.textContent = state ? text(state) : "";
            status.classList.toggle("text-success", state === "saved");
            status.classList.toggle("text-danger", state === "pending");
        }
    }

    showOffline() {
        this.el.querySelector(".o_workshop_offline")?.classList.toggle("d-none", !this.pending.count);
    }

    /** Send what the phone kept (connection back, page opened again). */
    async sendPending() {
        const answered = await this.pending.flush();
        let refused = null;
        for (const [lineId, result] of answered) {
            this.markItem(lineId, result.ok ? "saved" : null);
            if (!result.ok) {
                refused = result; // shown last: a later success must not hide it
            } else if (!refused) {
                this.showResult(result);
            }
        }
        if (refused) {
            this.showResult(refused);
        }
        for (const lineId of Object.keys(this.pending.all())) {
            this.markItem(lineId, "pending");
        }
        this.showOffline();
    }

    async onDecisionChange(ev, input) {
        const item = input.closest(".o_workshop_item");
        item.querySelector(".o_workshop_reason").hidden = input.value !== "declined";
        item.querySelector(".o_workshop_question").hidden = input.value !== "contact";
        await this.saveItem(item);
    }

    async onDetailChange(ev, input) {
        await this.saveItem(input.closest(".o_workshop_item"));
    }

    async saveItem(item) {
        const checked = item.querySelector(".o_workshop_decision:checked");
        const lineId = parseInt(item.dataset.lineId);
        const answer = {
            line_id: lineId,
            decision: checked ? checked.value : false,
            reason: item.querySelector(".o_workshop_reason_select")?.value || false,
            question: item.querySelector(".o_workshop_question_input")?.value || false,
        };
        this.markItem(lineId, null);
        const result = await this.pending.submit(lineId, answer);
        if (result === null) {
            this.markItem(lineId, "pending"); // kept on the phone: sent when the connection returns
        } else if (result) {
            this.markItem(lineId, result.ok ? "saved" : null);
            this.showResult(result);
        }
        this.showOffline();
    }

    /** Confirm (or sign): kept answers go first; without a connection, everything stays kept. */
    async onConfirm(ev, button) {
        await this.sendPending();
        if (this.pending.count) {
            this.showResult({ ok: false, error: text("confirm_offline") });
            return;
        }
        let result;
        if (this.signature && button.classList.contains("o_workshop_sign_submit")) {
            const signature = this.signature.image();
            if (!signature) {
                this.showResult({ ok: false, error: text("sign_empty") });
                return;
            }
            result = await post(this.url("sign"), { name: this.signature.name, signature });
        } else {
            result = await post(this.url("confirm"), {});
        }
        if (result.ok) {
            window.location.reload();
        } else {
            this.showResult(result.error === text("offline") ? { ok: false, error: text("confirm_offline") } : result);
        }
    }

    async onRemarkSubmit(ev, form) {
        let result;
        try {
            const response = await fetch(this.url("remark"), { method: "POST", body: new FormData(form) });
            result = await response.json();
        } catch {
            result = { ok: false, error: text("offline") };
        }
        if (result.ok) {
            window.location.reload();
        } else {
            const errorEl = form.querySelector(".o_workshop_remark_error");
            errorEl.textContent = result.error;
            errorEl.classList.remove("d-none");
        }
    }

    /** The files chosen, by name (the browser's own words for it are hidden with its button). */
    onFilesChange(ev, input) {
        const names = input.closest("form").querySelector(".o_workshop_file_names");
        names.textContent = [...input.files].map((file) => file.name).join(", ");
    }

    async onConditionsChange(ev, input) {
        this.showResult(await post(this.url("conditions"), { accepted: input.checked }));
    }

    async onContactSubmit(ev, form) {
        const data = new FormData(form);
        const result = await post(this.url("contact"), {
            channel: data.get("channel"),
            email: data.get("email"),
            phone: data.get("phone"),
        });
        const errorEl = form.querySelector(".o_workshop_contact_error");
        errorEl.textContent = result.ok ? "" : result.error;
        errorEl.classList.toggle("d-none", result.ok);
        form.querySelector(".o_workshop_contact_saved").classList.toggle("d-none", !result.ok);
    }

    async onServiceChange(ev, input) {
        const service = input.closest(".o_workshop_service");
        this.showResult(
            await post(this.url("service"), {
                service_id: parseInt(service.dataset.serviceId),
                choice: input.value || false,
            })
        );
    }

    async onLimitChange(ev, input) {
        this.showResult(await post(this.url("limit"), { amount: input.value || 0 }));
    }

    async onReopen() {
        const result = await post(this.url("reopen"), {});
        if (result.ok) {
            window.location.reload();
        } else {
            this.showResult(result);
        }
    }

    showResult(result) {
        const errorEl = this.el.querySelector(".o_workshop_error");
        if (errorEl) {
            errorEl.classList.toggle("d-none", result.ok);
            errorEl.textContent = result.ok ? "" : result.error;
        }
        if (result.ok && result.summary) {
            this.renderSummary(result.summary);
        }
    }

    renderSummary(summary) {
        const fill = (selector, entries) => {
            this.el.querySelector(selector)?.replaceChildren(
                ...entries.map((entry) => {
                    const li = document.createElement("li");
                    li.textContent = entry.name;
                    return li;
                })
            );
        };
        fill(".o_workshop_summary_scheduled", summary.scheduled);
        fill(".o_workshop_summary_chosen", summary.chosen);
        fill(".o_workshop_summary_contact", summary.contact);
        if (summary.show_prices) {
            const html = (selector, value) => {
                const cell = this.el.querySelector(selector);
                if (cell) {
                    // Server-formatted amounts (escaped monetary HTML from Odoo's widget).
                    cell.innerHTML = value;
                }
            };
            html(".o_workshop_amount_untaxed", summary.amount_untaxed_display);
            html(".o_workshop_amount_tax", summary.amount_tax_display);
            html(".o_workshop_amount_total", summary.amount_total_display);
        }
        const confirmEl = this.el.querySelector(".o_workshop_confirm:not(.o_workshop_sign_submit)");
        if (confirmEl) {
            confirmEl.disabled = summary.open_count > 0;
        }
        const countEl = this.el.querySelector(".o_workshop_open_count");
        if (countEl) {
            countEl.textContent = summary.open_count ? text("open_count").replace("%s", summary.open_count) : "";
        }
    }
}

/**
 * Paying: Odoo's payment form works with Odoo's frontend scripts and styles, which weigh
 * twenty times this page. They load when the customer taps "Pay" (from the
 * `template.o_workshop_pay_assets` the server rendered), and the form shows once they run.
 */
function watchPayment(section) {
    const start = section.querySelector(".o_workshop_pay_start");
    const assets = section.querySelector("template.o_workshop_pay_assets");
    const form = section.querySelector(".o_workshop_pay_form");
    if (!start || !assets || !form) {
        return;
    }
    start.addEventListener("click", () => {
        start.disabled = true;
        section.querySelector(".o_workshop_pay_loading").hidden = false;
        const session = assets.content.querySelector(".o_workshop_pay_session");
        Object.assign((window.odoo ||= {}), JSON.parse(session.dataset.session));
        const waits = [];
        for (const link of assets.content.querySelectorAll("link[rel=stylesheet]")) {
            const el = link.cloneNode();
            waits.push(new Promise((resolve) => el.addEventListener("load", resolve)));
            // Before the page's own styles: the page keeps its look, Odoo's styles dress the form.
            document.head.insertBefore(el, document.head.querySelector("style"));
        }
        // Under tests the page already runs Odoo's frontend scripts.
        if (!document.querySelector("script[src*='web.assets_frontend_minimal']")) {
            for (const original of assets.content.querySelectorAll("script[src], script[data-src]")) {
                const script = document.createElement("script");
                for (const { name, value } of original.attributes) {
                    script.setAttribute(name, value);
                }
                script.async = false;
                if (script.dataset.src) {
                    // Odoo's lazy loader gives it its address; loaded, Odoo starts the form's script.
                    waits.push(new Promise((resolve) => script.addEventListener("load", resolve)));
                }
                document.body.append(script);
            }
        }
        Promise.all(waits).then(() => {
            setTimeout(() => {
                form.hidden = false;
                start.hidden = true;
                section.querySelector(".o_workshop_pay_loading").hidden = true;
                form.querySelector("input:checked, input, button")?.focus();
            }, 100);
        });
    });
}

const page = document.querySelector(".o_workshop_page[data-opened-token]");
if (page) {
    watchOpening(page);
}
for (const el of document.querySelectorAll(".o_workshop_overview")) {
    new CustomerAnswers(el).start();
}
for (const el of document.querySelectorAll(".o_workshop_payment")) {
    watchPayment(el);
}

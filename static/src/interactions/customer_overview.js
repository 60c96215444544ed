import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";
import { _t } from "@web/core/l10n/translation";
import { ConnectionLost, PendingAnswers, postJson } from "./pending_answers";

/**
 * The customer's overview page: every choice is saved at once (a reload or a
 * lost connection loses nothing), the summary follows, and "Confirm" sends the
 * answer once.
 */
export class WorkshopCustomerOverview extends Interaction {
    static selector = ".o_workshop_overview";
    dynamicContent = {
        ".o_workshop_decision": { "t-on-change.withTarget": this.onDecisionChange },
        ".o_workshop_reason_select": { "t-on-change.withTarget": this.onDetailChange },
        ".o_workshop_question_input": { "t-on-change.withTarget": this.onDetailChange },
        ".o_workshop_confirm": { "t-on-click.prevent": this.locked(this.onConfirm, true) },
        ".o_workshop_conditions_check": { "t-on-change.withTarget": this.onConditionsChange },
        ".o_workshop_contact_form": { "t-on-submit.prevent.withTarget": this.locked(this.onContactSubmit, true) },
        ".o_workshop_service_choice": { "t-on-change.withTarget": this.onServiceChange },
        ".o_workshop_limit_input": { "t-on-change.withTarget": this.onLimitChange },
        ".o_workshop_reopen": { "t-on-click.prevent": this.locked(this.onReopen, true) },
        ".o_workshop_remark_form": { "t-on-submit.prevent.withTarget": this.locked(this.onRemarkSubmit, true) },
    };

    setup() {
        this.token = this.el.dataset.token;
        // Decisions are kept on the phone until the workshop has them (see pending_answers.js).
        this.pending = new PendingAnswers(this.token, (answer) => postJson(this.url("decide"), answer));
        this.onOnline = () => this.sendPending();
    }

    start() {
        if (this.el.dataset.readonly === "1") {
            // Answers kept for a page that can no longer be changed cannot be sent: say so, once.
            if (this.pending.count) {
                this.pending.clear();
                this.showResult({ ok: false, error: this.text("kept_dropped") });
            }
            return;
        }
        window.addEventListener("online", this.onOnline);
        this.registerCleanup(() => window.removeEventListener("online", this.onOnline));
        // Signing confirms: kept answers go first (Odoo's signature form posts by itself).
        this.el.addEventListener("click", (ev) => this.onSignClick(ev), { capture: true });
        this.showKept();
        this.sendPending();
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

    async onSignClick(ev) {
        const button = ev.target.closest(".o_portal_sign_submit");
        if (!button || this.signing || !this.pending.count) {
            return;
        }
        ev.preventDefault();
        ev.stopImmediatePropagation();
        await this.sendPending();
        if (this.pending.count) {
            this.showResult({ ok: false, error: this.text("confirm_offline") });
            return;
        }
        this.signing = true; // every answer arrived: sign now
        button.click();
        this.signing = false;
    }

    /** A sentence of the page, in its language (rendered by the server in .o_workshop_texts). */
    text(key) {
        return document.querySelector(`.o_workshop_texts [data-key=${key}]`)?.textContent.trim() || "";
    }

    /** Say under the item whether the workshop has its answer ("saved"), or the phone keeps it ("pending"). */
    markItem(lineId, state) {
        const status = this.el.querySelector(`.o_workshop_item[data-line-id="${lineId}"] .o_workshop_item_status`);
        if (status) {
            status.textContent = state ? this.text(state) : "";
            status.classList.toggle("text-success", state === "saved");
            status.classList.toggle("text-danger", state === "pending");
        }
    }

    showOffline() {
        this.el.querySelector(".o_workshop_offline")?.classList.toggle("d-none", !this.pending.count);
    }

    /** Send what the phone kept (connection back, page opened again). */
    async sendPending() {
        const answered = await this.waitFor(this.pending.flush());
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

    /** A route of this page, asked to answer in the page's language. */
    url(route) {
        const lang = encodeURIComponent(document.documentElement.lang.replace("-", "_"));
        return `/workshop/c/${encodeURIComponent(this.token)}/${route}?lang=${lang}`;
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
        const result = await this.waitFor(this.pending.submit(lineId, answer));
        if (result === null) {
            this.markItem(lineId, "pending"); // kept on the phone: sent when the connection returns
        } else if (result) {
            this.markItem(lineId, result.ok ? "saved" : null);
            this.showResult(result);
        }
        this.showOffline();
    }

    async onConfirm() {
        await this.sendPending();
        let result;
        if (this.pending.count) {
            result = { ok: false, error: this.text("confirm_offline") };
        } else {
            try {
                result = await this.waitFor(postJson(this.url("confirm"), {}));
            } catch (error) {
                if (!(error instanceof ConnectionLost)) {
                    throw error;
                }
                result = { ok: false, error: this.text("confirm_offline") };
            }
        }
        if (result.ok) {
            window.location.reload();
        } else {
            this.showResult(result);
        }
    }

    async onRemarkSubmit(ev, form) {
        const data = new FormData(form);
        data.append("csrf_token", odoo.csrf_token);
        const response = await this.waitFor(fetch(this.url("remark"), { method: "POST", body: data }));
        const result = await this.waitFor(response.json());
        if (result.ok) {
            window.location.reload();
        } else {
            const errorEl = form.querySelector(".o_workshop_remark_error");
            errorEl.textContent = result.error;
            errorEl.classList.remove("d-none");
        }
    }

    async onConditionsChange(ev, input) {
        const result = await this.waitFor(rpc(this.url("conditions"), { accepted: input.checked }));
        this.showResult(result);
    }

    async onContactSubmit(ev, form) {
        const data = new FormData(form);
        const result = await this.waitFor(
            rpc(this.url("contact"), {
                channel: data.get("channel"),
                email: data.get("email"),
                phone: data.get("phone"),
            })
        );
        const errorEl = form.querySelector(".o_workshop_contact_error");
        errorEl.textContent = result.ok ? "" : result.error;
        errorEl.classList.toggle("d-none", result.ok);
        form.querySelector(".o_workshop_contact_saved").classList.toggle("d-none", !result.ok);
    }

    async onServiceChange(ev, input) {
        const service = input.closest(".o_workshop_service");
        const result = await this.waitFor(
            rpc(this.url("service"), {
                service_id: parseInt(service.dataset.serviceId),
                choice: input.value || false,
            })
        );
        this.showResult(result);
    }

    async onLimitChange(ev, input) {
        const result = await this.waitFor(rpc(this.url("limit"), { amount: input.value || 0 }));
        this.showResult(result);
    }

    async onReopen() {
        const result = await this.waitFor(rpc(this.url("reopen"), {}));
        if (result.ok) {
            window.location.reload();
        } else {
            window.alert(result.error);
        }
    }

    showResult(result) {
        const errorEl = this.el.querySelector(".o_workshop_error");
        errorEl.classList.toggle("d-none", result.ok);
        errorEl.textContent = result.ok ? "" : result.error;
        if (result.ok && result.summary) {
            this.renderSummary(result.summary);
        }
    }

    renderSummary(summary) {
        const fill = (selector, entries) => {
            const list = this.el.querySelector(selector);
            list.replaceChildren(
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
                // Server-formatted amounts (escaped monetary HTML from Odoo's widget).
                this.el.querySelector(selector).innerHTML = value;
            };
            html(".o_workshop_amount_untaxed", summary.amount_untaxed_display);
            html(".o_workshop_amount_tax", summary.amount_tax_display);
            html(".o_workshop_amount_total", summary.amount_total_display);
        }
        const confirmEl = this.el.querySelector(".o_workshop_confirm");
        if (confirmEl) {
            confirmEl.disabled = summary.open_count > 0;
        }
        const countEl = this.el.querySelector(".o_workshop_open_count");
        if (countEl) {
            countEl.textContent = summary.open_count
                ? _t("%s item(s) still need your decision.", summary.open_count)
                : "";
        }
    }
}

registry
    .category("public.interactions")
    .add("repair_customer_communication.customer_overview", WorkshopCustomerOverview);

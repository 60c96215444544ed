import { registry } from "@web/core/registry";

/**
 * At reception's width an item's title and notes are readable in full (not cut,
 * several words a line), its price and answer on its row (issue 10.18).
 */
function checkItemReadable(title) {
    const row = title.closest(".o_data_row");
    const cell = title.closest("td");
    if (cell.scrollWidth > cell.clientWidth + 1) {
        throw new Error(`The title cell is cut: ${cell.scrollWidth} px of text in ${cell.clientWidth} px`);
    }
    const note = title.querySelector(".o_workshop_item_note_text");
    const words = note.textContent.split(" ").length;
    const lines = Math.round(note.getBoundingClientRect().height / parseFloat(getComputedStyle(note).lineHeight));
    if (lines > Math.max(1, words / 3)) {
        throw new Error(`The note wraps to ${lines} lines for ${words} words`);
    }
    const box = title.getBoundingClientRect();
    for (const name of ["price_total", "customer_decision"]) {
        const other = row.querySelector(`td[name=${name}]`).getBoundingClientRect();
        if (other.top > box.top + box.height) {
            throw new Error(`${name} is not on the item's row`);
        }
    }
}

/** The customer answers the overview on a phone: one item wanted, one declined, then confirms. */
registry.category("web_tour.tours").add("repair_customer_communication_customer_answers", {
    steps: () => [
        {
            content: "The welcome window greets the customer with the shop's note",
            trigger: ".o_workshop_welcome:contains('Hello'):contains('Your car is ready for a decision')",
        },
        {
            content: "Want the brake pads",
            trigger: ".o_workshop_item:contains('Brake pads') label:contains('Yes, do it')",
            run: "click",
        },
        {
            content: "The summary lists them as chosen",
            trigger: ".o_workshop_summary_chosen li:contains('Brake pads')",
        },
        {
            content: "Decline the wiper blades",
            trigger: ".o_workshop_item:contains('Wiper blades') label:contains('No, thanks')",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".o_workshop_item:contains('Wiper blades') .o_workshop_reason_select",
            run: "select price",
        },
        {
            content: "Every item has an answer: confirm",
            trigger: ".o_workshop_confirm:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page is read-only and says so",
            trigger: ".o_workshop_confirmed:contains('Thank you')",
        },
    ],
});

/** Reception sends the overview from the work order. */
registry.category("web_tour.tours").add("repair_customer_communication_reception_sends", {
    steps: () => [
        {
            content: "Open the customer communication dialog",
            trigger: "button[name=action_open_customer_communication]",
            run: "click",
        },
        {
            content: "In the send dialog too, the item's title and notes are readable in full",
            trigger: ".modal .o_data_row:contains('Brake pads') .o_workshop_item_title:contains('wear indicator touching'):contains('worn down to 3 mm')",
            run() {
                checkItemReadable(this.anchor);
            },
        },
        {
            content: "The preferred address is pre-selected, the blocked owner greyed",
            trigger: ".modal .o_data_row.text-muted:contains('Blocked Owner')",
        },
        {
            content: "Write a note",
            trigger: ".modal div[name=note] textarea",
            run: "edit Your car is ready for a decision",
        },
        {
            content: "Send",
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "The dialog closes and the progress shows",
            trigger: ".o_form_view:not(:has(.modal)) div[name=customer_progress]:contains('Offer sent')",
        },
    ],
});

/** Reception sees who answered at a glance in the work-order list: the progress column, icon and word. */
registry.category("web_tour.tours").add("repair_customer_communication_progress_column", {
    steps: () => [
        {
            content: "The list shows the customer progress column",
            trigger: ".o_list_view th[data-name=customer_progress]:contains('Customer progress')",
        },
        {
            content: "The confirmed order shows its icon and its word",
            trigger: ".o_data_row:contains('Émile Dupré') td[name=customer_progress] .o_workshop_icon_selection[data-value=confirmed]:has(.fa-check-circle):contains('Confirmed by the customer')",
        },
        {
            content: "Open the order",
            trigger: ".o_data_row:has(.o_workshop_icon_selection[data-value=confirmed]) td[name=partner_id]",
            run: "click",
        },
        {
            content: "The order opens on its progress",
            trigger: ".o_form_view div[name=customer_progress]:contains('Confirmed by the customer')",
        },
    ],
});

/** Reception turns the customer's answers into authorisations with one click. */
registry.category("web_tour.tours").add("repair_customer_communication_reception_applies", {
    steps: () => [
        {
            content: "The customer confirmed",
            trigger: "div[name=customer_progress]:contains('Confirmed by the customer')",
        },
        {
            content: "The customer's answer shows as an icon on the item",
            trigger: "div[name=work_item_necessary_ids] .o_data_row:contains('Brake pads') .o_workshop_icon.fa-thumbs-up",
        },
        {
            content: "At reception's width the item's title and both notes are readable in full, price and answer on its row",
            trigger: "div[name=work_item_necessary_ids] .o_data_row:contains('Brake pads') .o_workshop_item_title:contains('wear indicator touching'):contains('worn down to 3 mm')",
            run() {
                checkItemReadable(this.anchor);            },
        },
        {
            content: "Apply the customer's answers",
            trigger: "button[name=action_apply_customer_answers]",
            run: "click",
        },
        {
            content: "The wanted item is authorised",
            trigger: "div[name=work_item_necessary_ids] .o_data_row:contains('Brake pads') [name=authorization] .o_workshop_icon_selection[data-value=approved]:has(.fa-check-circle)",
        },
        {
            content: "The declined item is refused",
            trigger: "div[name=work_item_recommended_ids] .o_data_row:contains('Wiper blades') [name=authorization] .o_workshop_icon_selection[data-value=refused]:has(.fa-times-circle)",
        },
    ],
});

/**
 * The connection drops while the customer answers: the answer is kept on the phone,
 * the page says so, confirming says so and keeps everything; back online, it is sent.
 */
registry.category("web_tour.tours").add("repair_customer_communication_customer_offline", {
    steps: () => [
        {
            content: "Want the brake pads (online)",
            trigger: ".o_workshop_item:contains('Brake pads') label:contains('Yes, do it')",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_workshop_item:contains('Brake pads') .o_workshop_item_status:contains('Saved')",
        },
        {
            content: "Decline the wiper blades (online)",
            trigger: ".o_workshop_item:contains('Wiper blades') label:contains('No, thanks')",
            run: "click",
        },
        {
            content: "Every item answered: confirming is possible",
            trigger: ".o_workshop_confirm:enabled",
        },
        {
            content: "The connection drops",
            trigger: ".o_workshop_item:contains('Wiper blades') .o_workshop_item_status:contains('Saved')",
            run() {
                window.__workshopOnlineFetch = window.fetch;
                window.fetch = (url, ...args) =>
                    String(url).includes("/workshop/c/")
                        ? Promise.reject(new TypeError("Failed to fetch"))
                        : window.__workshopOnlineFetch(url, ...args);
            },
        },
        {
            content: "Change the brake pads to a call, offline",
            trigger: ".o_workshop_item:contains('Brake pads') label:contains('Call me about it')",
            run: "click",
        },
        {
            content: "The page says plainly it is not saved yet",
            trigger: ".o_workshop_item:contains('Brake pads') .o_workshop_item_status:contains('Not saved yet')",
        },
        {
            content: "and that the answers are kept on the phone",
            trigger: ".o_workshop_offline:not(.d-none)",
            run() {
                const kept = Object.keys(window.localStorage).filter((key) => key.startsWith("workshop_pending_answers_"));
                if (kept.length !== 1 || !window.localStorage.getItem(kept[0]).includes('"contact"')) {
                    throw new Error("The answer is not kept on the phone");
                }
            },
        },
        {
            content: "Confirm without a connection",
            trigger: ".o_workshop_confirm:enabled",
            run: "click",
        },
        {
            content: "The page says so, and nothing is lost",
            trigger: ".o_workshop_error:not(.d-none):contains('No connection')",
        },
        {
            content: "The connection returns",
            trigger: ".o_workshop_item:contains('Brake pads') .o_workshop_item_status:contains('Not saved yet')",
            run() {
                window.fetch = window.__workshopOnlineFetch;
                window.dispatchEvent(new Event("online"));
            },
        },
        {
            content: "The kept answer is sent and saved",
            trigger: ".o_workshop_item:contains('Brake pads') .o_workshop_item_status:contains('Saved')",
        },
        {
            content: "Nothing is left on the phone",
            trigger: ".o_workshop_offline.d-none:not(:visible)",
            run() {
                if (Object.keys(window.localStorage).some((key) => key.startsWith("workshop_pending_answers_"))) {
                    throw new Error("An answer is still kept on the phone");
                }
            },
        },
        {
            content: "Confirm, online",
            trigger: ".o_workshop_confirm:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Confirmed",
            trigger: ".o_workshop_confirmed:contains('Thank you')",
        },
    ],
});

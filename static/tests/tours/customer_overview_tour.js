import { registry } from "@web/core/registry";

/** The customer answers the overview on a phone: one item wanted, one declined, then confirms. */
registry.category("web_tour.tours").add("repair_customer_communication_customer_answers", {
    steps: () => [
        {
            content: "The welcome window greets the customer with the shop's note",
            trigger: ".o_workshop_welcome:contains('Hello'):contains('Your car is ready for a decision')",
        },
        {
            content: "Want the brake pads",
            trigger: ".o_workshop_item:contains('Brake pads') label:contains('Wants it done')",
            run: "click",
        },
        {
            content: "The summary lists them as chosen",
            trigger: ".o_workshop_summary_chosen li:contains('Brake pads')",
        },
        {
            content: "Decline the wiper blades",
            trigger: ".o_workshop_item:contains('Wiper blades') label:contains('Does not want it')",
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
            content: "Apply the customer's answers",
            trigger: "button[name=action_apply_customer_answers]",
            run: "click",
        },
        {
            content: "The wanted item is authorised",
            trigger: "div[name=work_item_necessary_ids] .o_data_row:contains('Brake pads') [name=authorization]:contains('Authorised')",
        },
        {
            content: "The declined item is refused",
            trigger: "div[name=work_item_recommended_ids] .o_data_row:contains('Wiper blades') [name=authorization]:contains('Refused')",
        },
    ],
});

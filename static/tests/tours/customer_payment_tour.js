import { registry } from "@web/core/registry";

/**
 * On a phone, the customer approves two items, declines one and pays the 30 % deposit the
 * location asks, with Odoo's payment form and its demo provider; back on the page, it is paid.
 */
registry.category("web_tour.tours").add("repair_customer_communication_customer_pays_deposit", {
    steps: () => [
        {
            content: "Want the brake pads",
            trigger: ".o_workshop_item:contains('Front brake pads') label:contains('Yes, do it')",
            run: "click",
        },
        {
            content: "Want the wiper blades",
            trigger: ".o_workshop_item:contains('Wiper blades') label:contains('Yes, do it')",
            run: "click",
        },
        {
            content: "Decline the rust treatment",
            trigger: ".o_workshop_item:contains('Rust treatment') label:contains('No, thanks')",
            run: "click",
        },
        {
            content: "Every item has an answer: confirm",
            trigger: ".o_workshop_confirm:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The answer is sent, and the deposit is asked on the same page",
            trigger: ".o_workshop_payment:contains('30 % of the approved work'):contains('384.30')",
        },
        {
            content: "What to pay now: 30 % of the approved work",
            trigger: ".o_workshop_amount_due:contains('115.29')",
        },
        {
            content: "Tap Pay: Odoo's payment form opens",
            trigger: ".o_workshop_pay_start:contains('115.29')",
            run: "click",
        },
        {
            content: "Odoo's payment form offers the demo provider",
            trigger: "#o_payment_form input[name=o_payment_radio]",
            run: "click",
        },
        {
            content: "Type the (test) card",
            trigger: "#customer_input",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "button[name=o_payment_submit_button]:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the page: the deposit is paid",
            trigger: ".o_workshop_payment_done:contains('your payment was received')",
        },
        {
            content: "Paid, and nothing more to pay",
            trigger: ".o_workshop_paid:contains('115.29'):not(:has(#o_payment_form))",
        },
    ],
});

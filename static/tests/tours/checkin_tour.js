import { registry } from "@web/core/registry";

/** The customer checks in on a phone: SMS please, a car wash, a go-ahead limit, a remark. */
registry.category("web_tour.tours").add("repair_customer_communication_customer_checks_in", {
    steps: () => [
        {
            content: "The appointment is shown",
            trigger: ".o_workshop_checkin .o_workshop_welcome:contains('Your appointment')",
        },
        {
            content: "Rather by SMS",
            trigger: ".o_workshop_contact_form label[for=channel_sms]",
            run: "click",
        },
        {
            content: "Correct the mobile number",
            trigger: ".o_workshop_contact_form input[name=phone]",
            run: "edit 0471 22 33 44",
        },
        {
            content: "Save the contact details",
            trigger: ".o_workshop_contact_form button[type=submit]",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_workshop_contact_saved:not(.d-none)",
        },
        {
            content: "Order the car wash",
            trigger: ".o_workshop_service:contains('Car wash') label:contains('I want it')",
            run: "click",
        },
        {
            content: "Go ahead up to 150",
            trigger: ".o_workshop_limit_input",
            run: "edit 150 && press Tab",
        },
        {
            content: "A remark: subject",
            trigger: ".o_workshop_remark_form input[name=subject]",
            run: "edit Rattle",
        },
        {
            content: "A remark: text",
            trigger: ".o_workshop_remark_form textarea[name=body]",
            run: "edit Front left, over bumps",
        },
        {
            content: "Add the remark",
            trigger: ".o_workshop_remark_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The remark is listed",
            trigger: ".o_workshop_remarks li:contains('Rattle')",
        },
        {
            content: "Check in",
            trigger: ".o_workshop_confirm",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Checked in",
            trigger: ".o_workshop_confirmed:contains('you are checked in')",
        },
    ],
});

/** Reception turns the ordered car wash into a work item. */
registry.category("web_tour.tours").add("repair_customer_communication_reception_converts_service", {
    steps: () => [
        {
            content: "The check-in section lists the car wash",
            trigger: ".o_workshop_checkin_section .o_data_row:contains('Car wash')",
        },
        {
            content: "The go-ahead limit is shown",
            trigger: ".o_workshop_checkin_section div[name=checkin_approval_limit]:contains('150')",
        },
        {
            content: "Handle it",
            trigger: ".o_workshop_checkin_section .o_data_row:contains('Car wash') button[name=action_handle]",
            run: "click",
        },
        {
            content: "It became a scheduled work item",
            trigger: "div[name=work_item_scheduled_ids] .o_data_row:contains('Car wash')",
        },
        {
            content: "and left the check-in section",
            trigger: ".o_workshop_checkin_section:not(:has(.o_data_row:contains('Car wash')))",
        },
    ],
});

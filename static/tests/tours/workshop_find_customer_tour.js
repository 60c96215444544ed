import { registry } from "@web/core/registry";

/**
 * A receptionist finds a customer by a spaced phone number, opens the customer
 * card and its work order (items by category, totals incl. VAT).
 */
registry.category("web_tour.tours").add("repair_customer_communication_find_customer", {
    steps: () => [
        {
            content: "Search the customer by a spaced national phone number",
            trigger: ".o_searchview_input",
            run: "edit 0470 12 34 56",
        },
        {
            content: "Pick the 'Customer' search",
            trigger: ".o_searchview_autocomplete .o-dropdown-item:first",
            run: "click",
        },
        {
            content: "Only the matching customer is listed",
            trigger: ".o_searchview_facet:contains('0470 12 34 56')",
        },
        {
            content: "Open the customer",
            trigger: ".o_data_row .o_data_cell:contains('Tour Émile Dupré')",
            run: "click",
        },
        {
            content: "Open the customer's work orders",
            trigger: "button[name=action_open_workshop_orders]",
            run: "click",
        },
        {
            content: "Open the work order",
            trigger: ".o_data_row .o_data_cell:contains('TOUR/0001')",
            run: "click",
        },
        {
            content: "The scheduled services come first",
            trigger: "div[name=work_items] h4:eq(0):contains('Scheduled services')",
        },
        {
            content: "then the necessary items",
            trigger: "div[name=work_items] h4:eq(1):contains('Necessary')",
        },
        {
            content: "with their items",
            trigger: "div[name=work_item_necessary_ids] .o_data_row:contains('Front brake pads')",
        },
        {
            content: "and the total incl. VAT of the work order",
            trigger: "div[name=items_amount_total]:contains('302.50')",
        },
    ],
});

/** The same customer, found by the plate of the car they drive. */
registry.category("web_tour.tours").add("repair_customer_communication_find_by_plate", {
    steps: () => [
        {
            content: "Search by the plate, lowercase and without dashes",
            trigger: ".o_searchview_input",
            run: "edit 1abc234",
        },
        {
            content: "Pick the 'Customer' search",
            trigger: ".o_searchview_autocomplete .o-dropdown-item:first",
            run: "click",
        },
        {
            content: "The plate search is applied",
            trigger: ".o_searchview_facet:contains('1abc234')",
        },
        {
            content: "The vehicle's driver is found",
            trigger: ".o_data_row .o_data_cell:contains('Tour Émile Dupré')",
        },
    ],
});

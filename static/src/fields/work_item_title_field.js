import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { CharField, charField } from "@web/views/fields/char/char_field";

/**
 * A work item's title in reception's lists (work order, send dialog): the title on
 * its row, the mechanic's note, the note for the customer and the customer's
 * question in full below it, instead of three narrow columns that wrap to a word a
 * line. Odoo's list cells hold one value each, so the notes are written here.
 * Editing the row edits the title as a normal text field.
 */
export class WorkItemTitleField extends CharField {
    static template = "repair_customer_communication.WorkItemTitleField";

    get notes() {
        const data = this.props.record.data;
        return [
            { key: "mechanic", icon: "fa-wrench", label: _t("Mechanic"), text: data.mechanic_note },
            { key: "customer", icon: "fa-user", label: _t("For the customer"), text: data.customer_note },
            { key: "question", icon: "fa-comment-o", label: _t("Customer's question"), text: data.customer_question },
        ].filter((note) => note.text);
    }

    /** The row is muted when hidden; the word says why (colour is never the only signal). */
    get hiddenFromCustomer() {
        return "visible_to_customer" in this.props.record.data && !this.props.record.data.visible_to_customer;
    }

    /** Number of photos, when the list holds them (the Photos column, shown or not). */
    get photoCount() {
        const photos = this.props.record.data.attachment_ids;
        return photos && photos.count ? photos.count : 0;
    }
}

export const workItemTitleField = {
    ...charField,
    component: WorkItemTitleField,
    fieldDependencies: [
        { name: "mechanic_note", type: "text" },
        { name: "customer_note", type: "text" },
        { name: "customer_question", type: "text" },
    ],
};

registry.category("fields").add("workshop_item_title", workItemTitleField);

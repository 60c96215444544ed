import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

import { Component } from "@odoo/owl";

/**
 * A selection shown as an icon with its label as tooltip (the customer's answer
 * per item, the overview's progress in the work-order list). Icons per value
 * come from the view: options="{'icons': {'accepted': 'fa-thumbs-up text-success', 'false': '...'}}";
 * options="{'show_label': true}" writes the label beside the icon (colour is never the only signal).
 */
export class IconSelectionField extends Component {
    static template = "repair_customer_communication.IconSelectionField";
    static props = {
        ...standardFieldProps,
        icons: { type: Object, optional: true },
        showLabel: { type: Boolean, optional: true },
    };
    static defaultProps = { icons: {}, showLabel: false };

    get value() {
        return this.props.record.data[this.props.name];
    }

    get label() {
        const selection = this.props.record.fields[this.props.name].selection || [];
        const entry = selection.find(([key]) => key === this.value);
        return entry ? entry[1] : _t("No answer");
    }

    get iconClass() {
        return this.props.icons[this.value || "false"] || "";
    }
}

export const iconSelectionField = {
    component: IconSelectionField,
    supportedTypes: ["selection"],
    extractProps: ({ options }) => ({ icons: options.icons || {}, showLabel: Boolean(options.show_label) }),
};

registry.category("fields").add("workshop_icon_selection", iconSelectionField);

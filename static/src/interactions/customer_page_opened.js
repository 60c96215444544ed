import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

/**
 * Tells the workshop that a person is looking at the page: once it is visible,
 * the page's script sends one beacon. A link scanner fetching the link (mail
 * security gateways do) runs no script and so opens nothing; the server counts
 * repeated loads of one visit as one opening.
 */
export class WorkshopCustomerPageOpened extends Interaction {
    static selector = ".o_workshop_page[data-opened-token]";
    dynamicContent = {
        _document: { "t-on-visibilitychange": this.onVisibilityChange },
    };

    start() {
        this.sent = false;
        this.onVisibilityChange();
    }

    onVisibilityChange() {
        if (this.sent || document.visibilityState !== "visible") {
            return;
        }
        this.sent = true;
        const token = encodeURIComponent(this.el.dataset.openedToken);
        // Nothing to show the customer either way: a failed beacon only leaves the page unopened.
        rpc(`/workshop/c/${token}/opened`, {}, { silent: true }).catch(() => {});
    }
}

registry.category("public.interactions").add("repair_customer_communication.customer_page_opened", WorkshopCustomerPageOpened);

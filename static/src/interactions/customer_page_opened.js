import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

// What a person does on a page and a link scanner does not (scanners load pages,
// some even run their scripts, but they do not touch, scroll or type).
const PERSON_EVENTS = ["pointerdown", "touchstart", "keydown", "wheel", "scroll"];

/**
 * Tells the workshop that a person is looking at the page: at the first touch,
 * click, key or scroll while it is visible, the page's script sends one beacon.
 * A link scanner fetching the link (mail security gateways do) opens nothing;
 * the server counts repeated loads of one visit as one opening.
 */
export class WorkshopCustomerPageOpened extends Interaction {
    static selector = ".o_workshop_page[data-opened-token]";

    setup() {
        this.sent = false;
        this.onPersonEvent = this.onPersonEvent.bind(this);
    }

    start() {
        for (const type of PERSON_EVENTS) {
            window.addEventListener(type, this.onPersonEvent, { passive: true, capture: true });
        }
        this.registerCleanup(() => this.stopListening());
    }

    stopListening() {
        for (const type of PERSON_EVENTS) {
            window.removeEventListener(type, this.onPersonEvent, { capture: true });
        }
    }

    onPersonEvent() {
        if (this.sent || document.visibilityState !== "visible") {
            return;
        }
        this.sent = true;
        this.stopListening();
        const token = encodeURIComponent(this.el.dataset.openedToken);
        // Nothing to show the customer either way: a failed beacon only leaves the page unopened.
        rpc(`/workshop/c/${token}/opened`, {}, { silent: true }).catch(() => {});
    }
}

registry.category("public.interactions").add("repair_customer_communication.customer_page_opened", WorkshopCustomerPageOpened);

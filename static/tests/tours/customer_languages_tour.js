import { registry } from "@web/core/registry";

/** Draw a stroke across the signature box, as a finger does. */
function drawSignature(canvas) {
    const box = canvas.getBoundingClientRect();
    const at = (x, y) => ({
        clientX: box.left + box.width * x,
        clientY: box.top + box.height * y,
        pointerId: 1,
        bubbles: true,
    });
    canvas.dispatchEvent(new PointerEvent("pointerdown", at(0.1, 0.6)));
    for (let step = 1; step <= 10; step++) {
        canvas.dispatchEvent(new PointerEvent("pointermove", at(0.1 + step * 0.08, 0.6 - Math.sin(step) * 0.3)));
    }
    canvas.dispatchEvent(new PointerEvent("pointerup", at(0.9, 0.5)));
}

/**
 * A French customer answers on a phone, accepts the conditions and signs with a finger:
 * every word on the way is French.
 */
registry.category("web_tour.tours").add("repair_customer_communication_customer_signs_fr", {
    steps: () => [
        {
            content: "The page greets the customer in French",
            trigger: "html[lang=fr-FR] .o_workshop_welcome:contains('Bonjour')",
        },
        {
            content: "Want the brake pads",
            trigger: ".o_workshop_item:contains('Brake pads') label:contains('Oui, faites-le')",
            run: "click",
        },
        {
            content: "Saved, in French",
            trigger: ".o_workshop_item:contains('Brake pads') .o_workshop_item_status:contains('Enregistré')",
        },
        {
            content: "Decline the wiper blades",
            trigger: ".o_workshop_item:contains('Wiper blades') label:contains('Non, merci')",
            run: "click",
        },
        {
            content: "Too expensive, in French",
            trigger: ".o_workshop_item:contains('Wiper blades') .o_workshop_reason_select:contains('Trop cher')",
            run: "select price",
        },
        {
            content: "Accept the conditions",
            trigger: "label:contains(\"J'ai lu et j'accepte les conditions.\")",
            run: "click",
        },
        {
            content: "Sign with a finger",
            trigger: ".o_workshop_signature_pad",
            run() {
                drawSignature(this.anchor);
            },
        },
        {
            content: "Sign and confirm",
            trigger: ".o_workshop_sign_submit:contains('Signer et confirmer')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Thanked in French, and the customer changes their mind",
            trigger: ".o_workshop_confirmed:contains('Merci') .o_workshop_reopen:contains(\"J'ai changé d'avis\")",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The answers can be changed again",
            trigger: ".o_workshop_item:contains('Wiper blades') .o_workshop_decision:enabled",
        },
    ],
});

/** A Dutch driver checks in on a phone: a service, then the check-in, all in Dutch. */
registry.category("web_tour.tours").add("repair_customer_communication_checkin_nl", {
    steps: () => [
        {
            content: "The page greets the driver in Dutch",
            trigger: "html[lang=nl-BE] .o_workshop_checkin .o_workshop_welcome:contains('Beste')",
        },
        {
            content: "Want the car wash",
            trigger: ".o_workshop_service:contains('Car wash') label:contains('Ik wil het')",
            run: "click",
        },
        {
            content: "Check in",
            trigger: ".o_workshop_confirm:contains('Inchecken')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Thanked in Dutch",
            trigger: ".o_workshop_confirmed:contains('u bent ingecheckt')",
        },
    ],
});

/**
 * The customer's answers kept on the phone until the workshop has them.
 *
 * A decision made while the connection drops is stored in the browser's local
 * storage at once and sent again when the connection returns (or the page is
 * opened again): nothing the customer chose is lost on a bad network. Plain
 * JavaScript on purpose (no framework): the page's own script uses it as it is.
 */

/** A request that never reached the workshop (offline, dropped): worth sending again. */
export class ConnectionLost extends Error {}

/** JSON-RPC over fetch: the route's result, or ConnectionLost when the network failed. */
export async function postJson(url, params) {
    let response;
    try {
        response = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", method: "call", id: Date.now(), params }),
        });
    } catch {
        throw new ConnectionLost();
    }
    if (response.status >= 502 && response.status <= 504) {
        throw new ConnectionLost(); // a gateway between the phone and the workshop
    }
    const data = await response.json();
    if (data.error) {
        return { ok: false, error: data.error.data?.message || data.error.message };
    }
    return data.result;
}

export class PendingAnswers {
    /**
     * @param {string} token the link's token: each page keeps its own answers
     * @param {(answer: object) => Promise<object>} send sends one answer, throws ConnectionLost offline
     */
    constructor(token, send) {
        this.key = `workshop_pending_answers_${token}`;
        this.send = send;
    }

    all() {
        try {
            return JSON.parse(window.localStorage.getItem(this.key)) || {};
        } catch {
            return {};
        }
    }

    get count() {
        return Object.keys(this.all()).length;
    }

    has(lineId) {
        return String(lineId) in this.all();
    }

    put(lineId, answer) {
        this.write({ ...this.all(), [lineId]: answer });
    }

    /** Forget the answer of `lineId` once sent, unless a newer one replaced it meanwhile. */
    drop(lineId, answer) {
        const all = this.all();
        if (JSON.stringify(all[lineId]) === JSON.stringify(answer)) {
            delete all[lineId];
            this.write(all);
        }
    }

    write(all) {
        try {
            if (Object.keys(all).length) {
                window.localStorage.setItem(this.key, JSON.stringify(all));
            } else {
                window.localStorage.removeItem(this.key);
            }
        } catch {
            // Storage refused (private browsing, full): the answer is still sent when it can be.
        }
    }

    /**
     * Send `answer` for `lineId`, keeping it until the workshop has it.
     * Returns the route's result, or null when the connection is lost (it stays kept).
     */
    async submit(lineId, answer) {
        this.put(lineId, answer);
        try {
            const result = await this.send(answer);
            this.drop(lineId, answer);
            return result;
        } catch (error) {
            if (error instanceof ConnectionLost) {
                return null;
            }
            throw error;
        }
    }

    /** Send every kept answer, oldest first; [[lineId, result]] of those sent. Stops at the first lost one. */
    async flush() {
        const sent = [];
        for (const [lineId, answer] of Object.entries(this.all())) {
            const result = await this.submit(lineId, answer);
            if (result === null) {
                break;
            }
            sent.push([lineId, result]);
        }
        return sent;
    }
}

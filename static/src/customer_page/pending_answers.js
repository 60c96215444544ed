/**
 * The customer's answers kept on the phone until the workshop has them.
 *
 * A decision made while the connection drops is stored in the browser's local
 * storage at once and sent again when the connection returns (or the page is
 * opened again): nothing the customer chose is lost on a bad network. Plain
 * JavaScript on purpose (no framework): the page's own script uses it as it is.
 */

/** How long an answer may take before the phone keeps it and tries again later. */
const TIMEOUT_MS = 15000;

/** A request that never reached the workshop (offline, dropped, captive portal, timeout): send it again. */
export class ConnectionLost extends Error {}

/** JSON-RPC over fetch: the route's result, or ConnectionLost when the answer did not come back. */
export async function postJson(url, params) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
        const response = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", method: "call", id: Date.now(), params }),
            signal: controller.signal,
        });
        if (!response.ok) {
            throw new ConnectionLost(); // a gateway, a proxy or an overloaded server between phone and workshop
        }
        const data = await response.json(); // a captive portal's HTML page throws here
        if (data.error) {
            return { ok: false, error: data.error.data?.message || data.error.message };
        }
        return data.result;
    } catch (error) {
        throw error instanceof ConnectionLost ? error : new ConnectionLost();
    } finally {
        clearTimeout(timer);
    }
}

export class PendingAnswers {
    /**
     * @param {string} token the link's token: each page keeps its own answers
     * @param {(answer: object) => Promise<object>} send sends one answer, throws ConnectionLost offline
     */
    constructor(token, send) {
        this.key = `workshop_pending_answers_${token}`;
        this.send = send;
        this.flushing = null;
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

    clear() {
        this.write({});
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
     * Send the kept answer of `lineId` as it is now; forget it once the workshop has it,
     * or refused it for good. Returns the route's result, or null when the connection was
     * lost or the workshop asks to try again (`retry`): then it stays kept.
     */
    async sendKept(lineId) {
        const answer = this.all()[lineId];
        if (!answer) {
            return undefined; // sent meanwhile by another call
        }
        let result;
        try {
            result = await this.send(answer);
        } catch (error) {
            if (error instanceof ConnectionLost) {
                return null;
            }
            throw error;
        }
        if (result.retry) {
            return null;
        }
        this.drop(lineId, answer);
        return result;
    }

    /** Keep `answer` for `lineId`, then send it (see `sendKept`). */
    async submit(lineId, answer) {
        this.put(lineId, answer);
        return this.sendKept(lineId);
    }

    /**
     * Send every kept answer, oldest first, one flush at a time; [[lineId, result]] of
     * those the workshop answered. Stops at the first one that could not be sent.
     */
    flush() {
        if (!this.flushing) {
            // Reset once settled (a callback, so never before the assignment, even when nothing is kept).
            this.flushing = this.sendAll().finally(() => {
                this.flushing = null;
            });
        }
        return this.flushing;
    }

    async sendAll() {
        const answered = [];
        for (const lineId of Object.keys(this.all())) {
            const result = await this.sendKept(lineId);
            if (result === null) {
                break;
            }
            if (result) {
                answered.push([lineId, result]);
            }
        }
        return answered;
    }
}

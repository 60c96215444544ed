from odoo import Command, api, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

# Quotation states in which the work order's changes are carried over without asking.
QUOTATION_OPEN_STATES = ("draft", "sent")


def _line_key(line):
    """A quotation line's place in the work: (item, part or labour, section or line)."""
    return (line.work_item_id.id, line.work_item_line_id.id or False, line.display_type or "line")


class RepairOrder(models.Model):
    """The repair's quotation (Odoo's "Create Quotation") follows the work the customer authorised.

    It holds exactly the scheduled services and the authorised items, each under a
    section of its own with the lines the customer was priced from (its parts and
    labour, or its own price): same description, quantity, unit, unit price, discount
    and taxes. Odoo's own parts (the Parts tab) keep their lines as Odoo makes them.
    """

    _inherit = "repair.order"

    def action_create_sale_order(self):
        action = super().action_create_sale_order()
        self._sync_work()
        return action

    def action_repair_cancel_draft(self):
        """Odoo brings every part back to draft: those of work no longer authorised go again."""
        result = super().action_repair_cancel_draft()
        self._sync_work()
        return result

    def _sync_work(self):
        """The quotation and the repair's parts follow the authorised work (quotation first: parts link to it)."""
        self._sync_quotation()
        self._sync_part_moves()

    def _sync_part_moves(self):
        """The parts of the work to do are Odoo repair parts ("add" moves, reserved as Odoo reserves them).

        Parts of an item not authorised have no move, so nothing is reserved for them;
        an item withdrawn has its moves cancelled (their reservation released). Each
        move is tied to its quotation line, so that Odoo delivers and invoices the line
        from the repair and makes no delivery of its own for it.
        """
        Move = self.env["stock.move"].sudo()
        for order in self.filtered(lambda o: o.state not in ("done", "cancel")):
            wanted = order._quotation_items().part_line_ids.filtered(lambda p: p.line_type == "part")
            quotation_lines = {
                line.work_item_line_id.id: line for line in order.sale_order_id.order_line.filtered("work_item_line_id")
            }
            for part in order.work_item_ids.part_line_ids.filtered(lambda p: p.line_type == "part"):
                move = part.move_id
                if part not in wanted:
                    if move and move.state not in ("done", "cancel"):
                        move._action_cancel()  # its reservation released; it stays tied to its quotation line
                    continue
                values = {
                    "product_id": part.product_id.id,
                    "product_uom_qty": part.quantity,
                    "product_uom": part.product_uom_id.id,
                }
                sale_line = quotation_lines.get(part.id)
                if not move:
                    part.move_id = Move.create(
                        {
                            **values,
                            "repair_id": order.id,
                            "repair_line_type": "add",
                            "company_id": order.company_id.id,
                            "work_item_line_id": part.id,
                            "sale_line_id": sale_line.id if sale_line else False,
                        }
                    )
                    continue
                if move.state == "done":
                    continue
                order._update_part_move(move, values, sale_line)

    def _update_part_move(self, move, values, sale_line):
        """Bring a part's move in line with the part: quantity and unit, quotation line, and back from cancelled.

        A part authorised again gets its own move back (as Odoo's repair brings its parts
        back to draft), so that its quotation line keeps one move and is delivered and
        invoiced once.
        """
        changes = {
            fname: value
            for fname, value in values.items()
            if move._fields[fname].convert_to_write(move[fname], move) != value
        }
        if sale_line and move.sale_line_id != sale_line:
            changes["sale_line_id"] = sale_line.id
        revived = move.state == "cancel"
        if not changes and not revived:
            return
        reserved = move.state in ("partially_available", "assigned")
        if reserved:
            move._do_unreserve()  # reserved again below, for the new quantity
        if revived:
            changes["state"] = "draft"
        move.write(changes)
        if revived and self.state in ("confirmed", "under_repair"):
            move._action_confirm()
        if move.state in ("confirmed", "partially_available"):
            move._action_assign()

    def _quotation_items(self):
        """The items the quotation holds, in the page's order: scheduled ones and those authorised."""
        self.ensure_one()
        return self.work_item_ids.filtered(
            lambda item: (
                item.authorization == "approved" or (item.category == "scheduled" and item.authorization != "refused")
            )
        ).sorted(lambda item: (item.category_sequence, -item.pinned, item.sequence, item.id))

    def _sync_quotation(self):
        """Bring the quotation's work-item lines in line with the items (draft or sent quotations only).

        Lines are matched by (item, part or labour, kind): kept and updated where they
        still apply, created where missing, removed where the item is no longer
        authorised. A confirmed quotation is left alone (see `_check_quotation_change`).
        """
        confirmed_ok = self.env.context.get("repair_quotation_change_confirmed")
        for order in self.filtered(
            lambda o: (
                o.state != "cancel"
                and (
                    o.sale_order_id.state in QUOTATION_OPEN_STATES or (confirmed_ok and o.sale_order_id.state == "sale")
                )
            )
        ):
            quotation = order.sale_order_id.sudo()
            ours = quotation.order_line.filtered(lambda line, order=order: line.work_item_id.order_id == order)
            existing = {_line_key(line): line for line in ours}
            wanted, sequence = [], 1000
            for item in order._quotation_items():
                for values in item._quotation_line_values():
                    sequence += 1
                    key = (item.id, values.get("work_item_line_id") or False, values.get("display_type") or "line")
                    wanted.append((key, {**values, "sequence": sequence}))
            keys = {key for key, _values in wanted}
            unwanted = ours.filtered(lambda line, keys=keys: _line_key(line) not in keys)
            if quotation.state == "sale":
                # A confirmed order keeps its lines (Odoo refuses to delete them): they drop to nothing, and come
                # back on the same lines if the work is authorised again, so that nothing is invoiced twice.
                unwanted.filtered(lambda line: not line.display_type).product_uom_qty = 0.0
            else:
                unwanted.unlink()
            commands = []
            for key, values in wanted:
                line = existing.get(key)
                if not line:
                    commands.append(Command.create(values))
                    continue
                changed = any(
                    line._fields[fname].convert_to_write(line[fname], line) != value
                    and not (fname == "tax_ids" and set(line.tax_ids.ids) == set(value[0][2]))
                    for fname, value in values.items()
                )
                if changed:
                    # All values at once: Odoo recomputes a price (from the pricelist) when a quantity comes alone.
                    commands.append(Command.update(line.id, values))
            if commands:
                # The parts' lines are delivered by the repair (their moves are tied next): no delivery of their own.
                quotation.with_context(skip_procurement=True).write({"order_line": commands})

    def _quotation_change_text(self, items, authorization):
        """What changing `items` to `authorization` does to the confirmed order, in a sentence per item."""
        rows = []
        for item in items:
            quotation = item.order_id.sale_order_id
            amount = formatLang(self.env, item.price_total, currency_obj=item.currency_id)
            if authorization == "approved":
                rows.append(
                    self.env._(
                        "“%(item)s” is added to the confirmed order %(order)s: "
                        "%(amount)s incl. VAT to deliver and invoice.",
                        item=item.name,
                        order=quotation.name,
                        amount=amount,
                    )
                )
            else:
                rows.append(
                    self.env._(
                        "The lines of “%(item)s” on the confirmed order %(order)s drop to nothing "
                        "(%(amount)s incl. VAT less); what was already invoiced is credited by the next invoice.",
                        item=item.name,
                        order=quotation.name,
                        amount=amount,
                    )
                )
        return "\n".join(rows)

    @api.model
    def _check_quotation_change(self, items):
        """A confirmed quotation changes only when reception confirms what it does (`repair.quotation.change`)."""
        if self.env.context.get("repair_quotation_change_confirmed"):
            return
        confirmed = items.order_id.sale_order_id.filtered(lambda so: so.state == "sale")
        if confirmed:
            raise UserError(
                self.env._(
                    "The order %(names)s is confirmed: change the authorisation with the item's Authorise or "
                    "Refuse button, which says what it does to the order first.",
                    names=", ".join(confirmed.mapped("name")),
                )
            )

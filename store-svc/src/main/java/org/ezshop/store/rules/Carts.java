package org.ezshop.store.rules;

import java.util.List;
import org.ezshop.common.v1.Money;
import org.ezshop.store.storage.Failures;
import org.ezshop.store.storage.Stamps;
import org.ezshop.store.v1.Cart;
import org.ezshop.store.v1.CartLine;
import org.ezshop.store.v1.Item;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.ReceiptLine;
import org.ezshop.store.v1.Visit;

/** Cart and receipt arithmetic, in integer minor units. */
public final class Carts {

  private Carts() {
  }

  static Money money(long minorUnits, String currency) {
    return Money.newBuilder().setMinorUnits(minorUnits).setCurrency(currency).build();
  }

  /** A line of the given quantity at the line's frozen unit price (or the item's current one for a new line). */
  static CartLine line(Item item, CartLine existing, int quantity) {
    Money unit = existing != null ? existing.getUnitPrice() : item.getPrice();
    return CartLine.newBuilder()
        .setSku(item.getSku())
        .setName(existing != null ? existing.getName() : item.getName())
        .setQuantity(quantity)
        .setUnitPrice(unit)
        .setLineTotal(money(Math.multiplyExact(unit.getMinorUnits(), (long) quantity), unit.getCurrency()))
        .build();
  }

  /** The cart of a shopper not in store. */
  public static Cart empty(String shopperId) {
    return Cart.newBuilder().setShopperId(shopperId).setTotal(total(List.of())).setUpdatedAt(Stamps.now()).build();
  }

  /** The open visit's cart. */
  public static Cart cart(Visit visit, List<CartLine> lines, long version) {
    return Cart.newBuilder()
        .setShopperId(visit.getShopperId())
        .setVisitId(visit.getVisitId())
        .setStoreId(visit.getStoreId())
        .addAllLines(lines)
        .setTotal(total(lines.stream().map(CartLine::getLineTotal).toList()))
        .setVersion(version)
        .setUpdatedAt(Stamps.now())
        .build();
  }

  static ReceiptLine receiptLine(CartLine line) {
    return ReceiptLine.newBuilder().setSku(line.getSku()).setName(line.getName()).setQuantity(line.getQuantity())
        .setUnitPrice(line.getUnitPrice()).setLineTotal(line.getLineTotal()).build();
  }

  /** The receipt with its total recomputed from its lines. */
  static Receipt totalled(Receipt.Builder receipt) {
    return receipt.setTotal(total(receipt.getLinesList().stream().map(ReceiptLine::getLineTotal).toList())).build();
  }

  static Money total(List<Money> amounts) {
    String currency = amounts.isEmpty() ? "" : amounts.get(0).getCurrency();
    long sum = 0;
    for (Money amount : amounts) {
      if (!amount.getCurrency().equals(currency)) {
        throw Failures.precondition("cannot total " + currency + " with " + amount.getCurrency());
      }
      sum = Math.addExact(sum, amount.getMinorUnits());
    }
    return money(sum, currency);
  }
}

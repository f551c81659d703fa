package org.ezshop.gateway.notify;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.ezshop.common.v1.Money;
import org.ezshop.gateway.ServiceClient;
import org.ezshop.store.v1.Alert;
import org.ezshop.store.v1.AlertKind;
import org.ezshop.store.v1.ListShoppersRequest;
import org.ezshop.store.v1.NotificationState;
import org.ezshop.store.v1.RaiseAlertRequest;
import org.ezshop.store.v1.Receipt;
import org.ezshop.store.v1.RecordNotificationRequest;
import org.ezshop.store.v1.Shopper;
import org.ezshop.store.v1.StoreServiceGrpcClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A receipt to the shopper's phone through Firebase Cloud Messaging (HTTP v1): "You spent $12.50 at EZShop",
 * or for an adjusted one its new total, with the receipt id in the data. Failed sends are retried with backoff, then recorded as failed on the
 * receipt (and alerted); FCM's client itself retries 500 and 503 answers first. A token FCM no longer knows
 * fails at once. Without credentials the notification is logged and recorded as such, never dropped.
 */
public final class ReceiptNotifier {

  private static final Logger LOG = LoggerFactory.getLogger(ReceiptNotifier.class);
  static final int ATTEMPTS = 3;
  static final long FIRST_RETRY_MILLIS = 500;

  private final Vertx vertx;
  private final ServiceClient store;
  private final Optional<FirebaseMessaging> fcm;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong unsent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  public ReceiptNotifier(Vertx vertx, ServiceClient store, Optional<FirebaseMessaging> fcm) {
    this.vertx = vertx;
    this.store = store;
    this.fcm = fcm;
  }

  /** FCM from a service-account JSON file (its project id included). Blocking: reads the file. */
  public static Optional<FirebaseMessaging> fromCredentials(Optional<Path> file) {
    return file.map(path -> {
      try (InputStream in = Files.newInputStream(path)) {
        FirebaseOptions options = FirebaseOptions.builder().setCredentials(GoogleCredentials.fromStream(in)).build();
        return FirebaseMessaging.getInstance(FirebaseApp.initializeApp(options, "ezshop-" + path));
      } catch (IOException e) {
        throw new UncheckedIOException("push credentials " + path + ": " + e.getMessage(), e);
      }
    });
  }

  /** Notifications sent, and those logged or failed. */
  public long sent() {
    return sent.get();
  }

  public long unsent() {
    return unsent.get();
  }

  /** Notifications FCM refused, after retries (counted in {@link #unsent} too). */
  public long failed() {
    return failed.get();
  }

  /** Sends an adjusted receipt's notification to its shopper (none when they were erased meanwhile). */
  public Future<Void> tell(Receipt receipt) {
    return store.call(StoreServiceGrpcClient.ListShoppers, ListShoppersRequest.newBuilder()
        .setShopperId(receipt.getShopperId()).build()).compose(found -> found.getShoppersCount() == 0
        ? Future.succeededFuture() : send(found.getShoppers(0), receipt));
  }

  /** Sends the receipt's notification; the future completes once the outcome is recorded on the receipt. */
  public Future<Void> send(Shopper shopper, Receipt receipt) {
    String text = receipt.getAdjustmentsCount() > 0 ? "Your EZShop receipt was corrected: the new total is "
        + format(receipt.getNetTotal())
        : receipt.getTotal().getMinorUnits() == 0 ? "Thanks for visiting EZShop: nothing was charged"
        : "You spent " + format(receipt.getTotal()) + " at EZShop";
    if (shopper.getPushToken().isEmpty()) {
      unsent.incrementAndGet();
      return record(receipt, NotificationState.NOTIFICATION_STATE_NO_TOKEN, "the shopper has no push token");
    }
    if (fcm.isEmpty()) {
      unsent.incrementAndGet();
      LOG.info("event=notification_logged shopper={} receipt={} text=\"{}\" (no push credentials configured)",
          shopper.getShopperId(), receipt.getReceiptId(), text);
      return record(receipt, NotificationState.NOTIFICATION_STATE_LOGGED, text);
    }
    Message message = Message.builder()
        .setToken(shopper.getPushToken())
        .setNotification(Notification.builder().setTitle("EZShop receipt").setBody(text).build())
        .putData("receipt_id", receipt.getReceiptId())
        .putData("total_minor_units", Long.toString(receipt.getTotal().getMinorUnits()))
        .putData("net_total_minor_units", Long.toString(receipt.getNetTotal().getMinorUnits()))
        .putData("currency", receipt.getTotal().getCurrency())
        .build();
    return attempt(message, receipt, 1);
  }

  private Future<Void> attempt(Message message, Receipt receipt, int attempt) {
    return vertx.executeBlocking(() -> fcm.get().send(message)).compose(
        name -> {
          sent.incrementAndGet();
          LOG.info("event=notification_sent receipt={} message={}", receipt.getReceiptId(), name);
          return record(receipt, NotificationState.NOTIFICATION_STATE_SENT, name);
        },
        failure -> {
          if (attempt < ATTEMPTS && !permanent(failure)) {
            long delay = FIRST_RETRY_MILLIS << (attempt - 1);
            LOG.warn("event=notification_retry receipt={} attempt={} in_ms={} error={}", receipt.getReceiptId(),
                attempt, delay, failure.getMessage());
            return vertx.timer(delay).compose(t -> attempt(message, receipt, attempt + 1));
          }
          unsent.incrementAndGet();
          failed.incrementAndGet();
          String detail = "failed after " + attempt + " attempt" + (attempt > 1 ? "s" : "") + ": "
              + failure.getMessage();
          return record(receipt, NotificationState.NOTIFICATION_STATE_FAILED, detail)
              .compose(v -> store.call(StoreServiceGrpcClient.RaiseAlert, RaiseAlertRequest.newBuilder()
                  .setAlert(Alert.newBuilder().setKind(AlertKind.ALERT_KIND_NOTIFICATION)
                      .setShopperId(receipt.getShopperId()).setMessage(shorter("receipt " + receipt.getReceiptId()
                          + " could not be pushed: " + detail))).build()).mapEmpty());
        });
  }

  // Alert messages are short (store-svc takes 256 characters); the full detail is on the receipt.
  private static String shorter(String text) {
    return text.length() <= 256 ? text : text.substring(0, 253) + "...";
  }

  // A token FCM no longer knows, or a message it will never take: another try cannot help.
  private static boolean permanent(Throwable failure) {
    if (failure instanceof FirebaseMessagingException) {
      MessagingErrorCode code = ((FirebaseMessagingException) failure).getMessagingErrorCode();
      return code == MessagingErrorCode.UNREGISTERED || code == MessagingErrorCode.INVALID_ARGUMENT
          || code == MessagingErrorCode.SENDER_ID_MISMATCH;
    }
    return false;
  }

  private Future<Void> record(Receipt receipt, NotificationState state, String detail) {
    return store.call(StoreServiceGrpcClient.RecordNotification, RecordNotificationRequest.newBuilder()
        .setReceiptId(receipt.getReceiptId()).setState(state).setDetail(detail).build()).mapEmpty();
  }

  /** "$12.50": minor units in the currency's own decimals. */
  static String format(Money money) {
    Currency currency = Currency.getInstance(money.getCurrency());
    NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
    format.setCurrency(currency);
    format.setMinimumFractionDigits(currency.getDefaultFractionDigits());
    format.setMaximumFractionDigits(currency.getDefaultFractionDigits());
    return format.format(BigDecimal.valueOf(money.getMinorUnits(), currency.getDefaultFractionDigits()));
  }
}

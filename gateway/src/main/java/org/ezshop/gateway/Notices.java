package org.ezshop.gateway;

import org.ezshop.edge.v1.GatewayNoticeKind;

/**
 * The problems found in one device message, each sent back to the device as a notice: a few in full and then a
 * count, so a bad batch cannot flood the stream. Whatever in the message had no problem still counts.
 */
public final class Notices {

  private static final int MAX = 10;

  /** Sends one notice to the device (from any thread). */
  public interface Sender {
    void notice(GatewayNoticeKind kind, long seq, String field, String message);
  }

  private final Sender sender;
  private final long seq;
  private final String body;
  private int count;

  /** @param body the message's body field the problems are in, for the summary */
  public Notices(Sender sender, long seq, String body) {
    this.sender = sender;
    this.seq = seq;
    this.body = body;
  }

  public synchronized void add(GatewayNoticeKind kind, String field, String message) {
    if (++count <= MAX) {
      sender.notice(kind, seq, field, message);
    }
  }

  /** The count of problems beyond the few sent in full, if any. */
  public synchronized void summarise() {
    if (count > MAX) {
      sender.notice(GatewayNoticeKind.GATEWAY_NOTICE_KIND_INVALID_DATA, seq, body,
          (count - MAX) + " more problems in this message");
    }
  }
}

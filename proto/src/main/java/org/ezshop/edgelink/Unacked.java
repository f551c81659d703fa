package org.ezshop.edgelink;

import java.util.List;
import org.ezshop.edge.v1.EdgeMessage;

/** Where a device keeps its data messages until the gateway acks them: a disk outbox, a memory buffer. */
public interface Unacked {

  /** Highest sequence number acked. */
  long acked();

  /** The gateway holds everything up to {@code seq}. */
  void ack(long seq);

  /** Up to {@code max} messages after {@code seq} not yet acked, oldest first, each with its seq set. */
  List<EdgeMessage> after(long seq, int max);
}

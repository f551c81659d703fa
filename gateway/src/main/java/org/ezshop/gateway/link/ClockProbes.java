package org.ezshop.gateway.link;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ezshop.edge.v1.TimeSyncReply;
import org.ezshop.edge.v1.TimeSyncRequest;
import org.ezshop.rpc.EpochMillis;

/** The time-sync probes of one stream: numbered requests out, replies matched to when each went. */
final class ClockProbes {

  private static final int MAX_OPEN = 16;

  private final Map<Long, Long> open = new LinkedHashMap<>();
  private long ids;

  TimeSyncRequest next(long now) {
    long id = ++ids;
    open.put(id, now);
    if (open.size() > MAX_OPEN) { // a device that never answers cannot grow this
      open.remove(open.keySet().iterator().next());
    }
    return TimeSyncRequest.newBuilder().setId(id).setGatewaySentAt(EpochMillis.timestamp(now)).build();
  }

  /** Adds the reply's sample to the clock, if it answers a probe of ours. */
  void answered(TimeSyncReply reply, ClockOffset clock, long now) {
    Long sent = open.remove(reply.getId());
    if (sent != null) {
      clock.sample(sent, EpochMillis.of(reply.getDeviceReceivedAt()), EpochMillis.of(reply.getDeviceSentAt()), now);
    }
  }
}

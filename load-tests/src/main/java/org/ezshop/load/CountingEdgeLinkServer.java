package org.ezshop.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.ezshop.edge.v1.Ack;
import org.ezshop.edge.v1.EdgeLinkServiceGrpcService;
import org.ezshop.edge.v1.EdgeMessage;
import org.ezshop.edge.v1.GatewayMessage;
import org.ezshop.edge.v1.Welcome;
import org.ezshop.rpc.GrpcEndpoint;

/**
 * The benchmark baseline: EdgeLink on the gateway's transport (same endpoint, windows and limits) that only
 * counts readings and acks each data message, with no processing. A gateway's rate is reported against it.
 */
public final class CountingEdgeLinkServer {

  private static final long MAX_MESSAGE_BYTES = 4 << 20;

  private final GrpcEndpoint endpoint;
  private final LongAdder readings;

  private CountingEdgeLinkServer(GrpcEndpoint endpoint, LongAdder readings) {
    this.endpoint = endpoint;
    this.readings = readings;
  }

  public static Future<CountingEdgeLinkServer> start(Vertx vertx, String host, int port) {
    LongAdder readings = new LongAdder();
    EdgeLinkServiceGrpcService counting = new EdgeLinkServiceGrpcService() {
      @Override
      protected void connect(ReadStream<EdgeMessage> in, WriteStream<GatewayMessage> out) {
        in.handler(message -> {
          if (message.hasHello()) {
            out.write(GatewayMessage.newBuilder()
                .setWelcome(Welcome.newBuilder().setAckedSeq(message.getHello().getLastAckedSeq())).build());
          } else if (message.getSeq() > 0) {
            readings.add(message.getReadings().getReadingsCount());
            out.write(GatewayMessage.newBuilder().setAck(Ack.newBuilder().setUpToSeq(message.getSeq())).build());
          }
        });
        in.endHandler(v -> out.end());
      }
    };
    return GrpcEndpoint.start(vertx, host, port, MAX_MESSAGE_BYTES, List.of(counting))
        .map(endpoint -> new CountingEdgeLinkServer(endpoint, readings));
  }

  public int port() {
    return endpoint.port();
  }

  /** Readings received so far, over all streams. */
  public long readings() {
    return readings.sum();
  }

  public Future<Void> close() {
    return endpoint.close(Duration.ZERO);
  }
}

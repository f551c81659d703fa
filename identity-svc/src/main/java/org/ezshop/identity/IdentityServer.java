package org.ezshop.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.ezshop.identity.v1.IdentityServiceGrpcService;
import org.ezshop.identity.v1.IdentityServiceService;
import org.ezshop.rpc.GrpcEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** identity-svc: faces, served over gRPC. */
public final class IdentityServer {

  private static final Logger LOG = LoggerFactory.getLogger(IdentityServer.class);
  // Room for the image plus the request's other fields.
  private static final int ENVELOPE_BYTES = 4096;

  private final GrpcEndpoint endpoint;

  private IdentityServer(GrpcEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  public static Future<IdentityServer> start(Vertx vertx, IdentityConfig config) {
    // No IdentityService method is bound yet: calls answer UNIMPLEMENTED while reflection lists the whole API.
    return GrpcEndpoint.start(vertx, config.host(), config.port(), (long) config.maxImageBytes() + ENVELOPE_BYTES,
            List.of(IdentityServiceGrpcService.builder(new IdentityServiceService()).build()))
        .map(endpoint -> {
          LOG.info("event=started service=identity-svc port={}", endpoint.port());
          return new IdentityServer(endpoint);
        });
  }

  public int port() {
    return endpoint.port();
  }

  public Future<Void> close(Duration grace) {
    return endpoint.close(grace);
  }
}

package org.ezshop.pi.link;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.util.List;
import org.ezshop.edge.v1.Reading;

/** Opens {@link TestGateway} to tests in other packages. */
public final class TestGatewayAccess implements AutoCloseable {

  private final TestGateway gateway;

  public TestGatewayAccess(String token) throws Exception {
    gateway = new TestGateway(token);
  }

  public TestGatewayAccess(String token, SslContext tls) throws Exception {
    gateway = new TestGateway(token, tls);
  }

  public int port() {
    return gateway.port();
  }

  public List<Reading> readings() {
    return gateway.applied;
  }

  public void push(org.ezshop.edge.v1.GatewayMessage message) {
    gateway.push(message);
  }

  @Override
  public void close() throws InterruptedException {
    gateway.close();
  }
}

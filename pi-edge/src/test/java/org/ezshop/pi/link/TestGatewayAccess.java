package org.ezshop.pi.link;

import java.util.List;
import org.ezshop.edge.v1.Reading;

/** Opens {@link TestGateway} to tests in other packages. */
public final class TestGatewayAccess implements AutoCloseable {

  private final TestGateway gateway;

  public TestGatewayAccess(String token) throws Exception {
    gateway = new TestGateway(token);
  }

  public int port() {
    return gateway.port();
  }

  public List<Reading> readings() {
    return gateway.applied;
  }

  @Override
  public void close() throws InterruptedException {
    gateway.close();
  }
}

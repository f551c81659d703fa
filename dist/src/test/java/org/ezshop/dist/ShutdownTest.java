package org.ezshop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ezshop.rpc.Tls;
import org.ezshop.testing.GrpcProbe;
import org.junit.jupiter.api.Test;

/** Ctrl-C on a real `ezshop all` process: streams close, servers stop, exit code 0. */
class ShutdownTest {

  private static final Pattern LISTENING = Pattern.compile("ezshop: (\\S+) listening on port (\\d+)");
  private static final Path DATA_DIR = Path.of("target/ezshop-data");

  @Test
  void ctrlCClosesStreamsAndExitsZero() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        Ezshop.class.getName(), "all", "--host", "127.0.0.1", "--gateway-port", "0", "--store-port", "0",
        "--identity-port", "0", "--metrics-port", "0", "--web-port", "0", "--web-redirect-port", "0", "--data-dir",
        DATA_DIR.toString(), "--shutdown-grace-ms", "500")
        .redirectErrorStream(true)
        .start();
    try {
      BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      int gatewayPort = -1;
      for (String line = output.readLine(); line != null && !line.contains("ezshop: ready"); line = output.readLine()) {
        Matcher m = LISTENING.matcher(line);
        if (m.find() && m.group(1).equals("gateway")) {
          gatewayPort = Integer.parseInt(m.group(2));
        }
      }
      assertTrue(gatewayPort > 0, "the launcher printed the gateway port");
      // Read on while it runs: a child whose output pipe fills blocks on its next log line, shutdown included.
      List<String> rest = new CopyOnWriteArrayList<>();
      Thread reader = new Thread(() -> output.lines().forEach(rest::add), "launcher-output");
      reader.start();

      try (GrpcProbe probe = new GrpcProbe(gatewayPort, Tls.trusting(DATA_DIR.resolve("tls/ca.pem")))) {
        // A reflection stream left open, as a device's EdgeLink stream would be.
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> open = ServerReflectionGrpc.newStub(probe.channel())
            .serverReflectionInfo(new StreamObserver<ServerReflectionResponse>() {
              @Override
              public void onNext(ServerReflectionResponse value) {
              }

              @Override
              public void onError(Throwable t) {
                ended.complete(t);
              }

              @Override
              public void onCompleted() {
                ended.complete(null);
              }
            });
        open.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());

        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        try {
          ended.get(15, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          throw new AssertionError("the open stream did not end; the launcher said:\n" + String.join("\n", rest), e);
        }
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the launcher exited");
        reader.join(5000);
        assertEquals(0, process.exitValue(), String.join("\n", rest));
        assertTrue(rest.contains("ezshop: stopped"), String.join("\n", rest));
      }
    } finally {
      process.destroyForcibly();
    }
  }
}

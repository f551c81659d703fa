package org.ezshop.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ezshop.identity.v1.ForgetRequest;
import org.ezshop.identity.v1.IdentityServiceGrpc;
import org.ezshop.identity.v1.IdentityServiceGrpcService;
import org.ezshop.identity.v1.IdentityServiceService;
import org.ezshop.testing.GrpcProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcEndpointTest {

  private Vertx vertx;
  private GrpcEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    vertx = EventLoops.vertx();
    endpoint = GrpcEndpoint.start(vertx, "127.0.0.1", 0, 1024,
            List.of(IdentityServiceGrpcService.builder(new IdentityServiceService()).build()))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    endpoint.close(Duration.ofSeconds(5)).await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void servesHealthAndReflectionBesideTheService() throws Exception {
    try (GrpcProbe probe = new GrpcProbe(endpoint.port())) {
      assertEquals(ServingStatus.SERVING, probe.health(""));
      assertEquals(ServingStatus.SERVING, probe.health("ezshop.identity.v1.IdentityService"));
      StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> probe.health("nope.v1.Nope"));
      assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
      assertEquals(List.of("ezshop.identity.v1.IdentityService", "grpc.health.v1.Health",
          "grpc.reflection.v1.ServerReflection"), probe.reflectedServices().stream().sorted().toList());
    }
  }

  @Test
  void aRequestWithMoreHeaderBytesThanTheLimitIsRefusedAndTheConnectionServesOn() throws Exception {
    try (GrpcProbe probe = new GrpcProbe(endpoint.port())) {
      assertEquals(ServingStatus.SERVING, checkWithHeaderOf(probe, GrpcEndpoint.MAX_HEADER_LIST_BYTES - 1024));
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> checkWithHeaderOf(probe, GrpcEndpoint.MAX_HEADER_LIST_BYTES + 1024));
      assertTrue(refused.getStatus().getCode() != Status.Code.OK, refused.toString());
      assertEquals(ServingStatus.SERVING, probe.health(""), "the next call on the same connection is served");
    }
  }

  @Test
  void aClientPingingFasterThanKeepaliveAllowsIsToldToGoAway() throws Exception {
    HttpClientAgent client = h2Client();
    try {
      HttpConnection connection = check(client).connection();
      CompletableFuture<Long> goAway = new CompletableFuture<>();
      connection.goAwayHandler(g -> goAway.complete(g.getErrorCode()));
      connection.closeHandler(v -> goAway.complete(-1L)); // a connection with no stream may be closed at once
      long refusedBefore = GrpcEndpoint.pingsRefused();
      connection.ping(Buffer.buffer("keepaliv")); // one is keepalive
      for (int i = 0; i <= PingPolicy.MAX_STRIKES; i++) { // the last is answered with a GOAWAY
        connection.ping(Buffer.buffer("toosoon" + i));
      }
      long code = goAway.get(10, TimeUnit.SECONDS);
      assertTrue(code == PingPolicy.ENHANCE_YOUR_CALM || code == -1, "ENHANCE_YOUR_CALM, or closed: " + code);
      assertEquals(refusedBefore + 1, GrpcEndpoint.pingsRefused(), "counted (ezshop_limit_refused_total)");
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void pingsWhileACallIsOpenAreFlowControlNotAbuse() throws Exception {
    HttpClientAgent client = h2Client();
    try {
      // A Health/Watch stays open (its one message is an empty one: 5 bytes of gRPC framing); more pings than
      // strikes allowed while it is, as grpc-java's BDP pings come while data flows.
      HttpClientRequest watch = client.request(HttpMethod.POST, endpoint.port(), "127.0.0.1",
          "/grpc.health.v1.Health/Watch").await(10, TimeUnit.SECONDS);
      watch.putHeader("content-type", "application/grpc").putHeader("te", "trailers").putHeader("content-length", "5");
      watch.end(Buffer.buffer(new byte[5]));
      HttpClientResponse open = watch.response().await(10, TimeUnit.SECONDS);
      open.exceptionHandler(closed -> { }); // closing the client at the end cuts the watch: expected
      HttpConnection connection = open.request().connection();
      long refusedBefore = GrpcEndpoint.pingsRefused();
      for (int i = 0; i <= PingPolicy.MAX_STRIKES + 2; i++) {
        connection.ping(Buffer.buffer("bdpping" + i));
      }
      assertEquals(connection, check(client).connection(), "the connection serves on");
      assertEquals(refusedBefore, GrpcEndpoint.pingsRefused());
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  private HttpClientAgent h2Client() {
    return vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  /** A Health/Check on the client's one HTTP/2 connection, answered: frames on the connection are handled in order. */
  private HttpClientRequest check(HttpClientAgent client) throws Exception {
    HttpClientRequest request = client.request(HttpMethod.POST, endpoint.port(), "127.0.0.1",
        "/grpc.health.v1.Health/Check").await(10, TimeUnit.SECONDS);
    request.putHeader("content-type", "application/grpc").putHeader("te", "trailers").putHeader("content-length", "5");
    request.send(Buffer.buffer(new byte[5])).compose(GrpcEndpointTest::ended).await(10, TimeUnit.SECONDS);
    return request;
  }

  // The whole answer; it may have ended before this runs (its end then throws instead of completing).
  private static Future<Void> ended(HttpClientResponse response) {
    try {
      return response.end();
    } catch (IllegalStateException alreadyEnded) {
      return Future.succeededFuture();
    }
  }

  private static ServingStatus checkWithHeaderOf(GrpcProbe probe, int bytes) {
    io.grpc.Metadata padded = new io.grpc.Metadata();
    padded.put(io.grpc.Metadata.Key.of("x-padding", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "x".repeat(bytes));
    return io.grpc.health.v1.HealthGrpc.newBlockingStub(probe.channel())
        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(padded))
        .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance()).getStatus();
  }

  @Test
  void reflectionAnswersEveryRequestOfAStream() throws Exception {
    try (GrpcProbe probe = new GrpcProbe(endpoint.port())) {
      List<ServerReflectionResponse> answers = probe.reflect(List.of(
          ServerReflectionRequest.newBuilder().setListServices("*").build(),
          ServerReflectionRequest.newBuilder().setFileContainingSymbol("ezshop.identity.v1.IdentityService").build(),
          ServerReflectionRequest.newBuilder().setFileContainingSymbol("ezshop.common.v1.DeviceKind").build(),
          ServerReflectionRequest.newBuilder().setFileByFilename("google/protobuf/timestamp.proto").build(),
          ServerReflectionRequest.newBuilder().setFileContainingSymbol("ezshop.nope.v1.Nope").build()));
      assertEquals(5, answers.size());
      assertEquals("ezshop/identity/v1/identity.proto", fileNames(answers.get(1)).get(0));
      assertTrue(fileNames(answers.get(1)).containsAll(List.of("ezshop/common/v1/common.proto",
          "google/protobuf/timestamp.proto")), "imports come along");
      assertEquals("ezshop/common/v1/common.proto", fileNames(answers.get(2)).get(0));
      assertEquals(List.of("google/protobuf/timestamp.proto"), fileNames(answers.get(3)));
      assertEquals(Status.Code.NOT_FOUND.value(), answers.get(4).getErrorResponse().getErrorCode());
    }
  }

  private static List<String> fileNames(ServerReflectionResponse response) throws Exception {
    List<String> names = new ArrayList<>();
    for (ByteString file : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      names.add(FileDescriptorProto.parseFrom(file).getName());
    }
    return names;
  }

  @Test
  void healthFollowsARegisteredCheck() throws Exception {
    endpoint.health().register("ezshop.identity.v1.IdentityService", () -> Future.succeededFuture(false));
    try (GrpcProbe probe = new GrpcProbe(endpoint.port())) {
      assertEquals(ServingStatus.NOT_SERVING, probe.health("ezshop.identity.v1.IdentityService"));
    }
  }

  @Test
  void unboundMethodsAnswerUnimplemented() throws Exception {
    try (GrpcProbe probe = new GrpcProbe(endpoint.port())) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () ->
          IdentityServiceGrpc.newBlockingStub(probe.channel()).forget(ForgetRequest.newBuilder().setFaceId("f").build()));
      assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
    }
  }
}

package org.ezshop.store;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.ezshop.rpc.BoundStore;
import org.ezshop.rpc.SessionTokens;
import org.ezshop.store.v1.StoreServiceGrpc;

/** grpc-java clients of a store-svc under test, as the manager, a shopper, or nobody. */
final class StoreClient implements AutoCloseable {

  private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  final ManagedChannel channel;

  StoreClient(int port) {
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  StoreServiceGrpc.StoreServiceBlockingStub manager() {
    return as(TestStores.MANAGER);
  }

  /** The manager, the call bound to one store (as a gateway started with --store-id calls). */
  StoreServiceGrpc.StoreServiceBlockingStub bound(String storeId) {
    Metadata metadata = new Metadata();
    metadata.put(AUTHORIZATION, "Bearer " + TestStores.MANAGER);
    metadata.put(Metadata.Key.of(BoundStore.HEADER, Metadata.ASCII_STRING_MARSHALLER), storeId);
    return anonymous().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  StoreServiceGrpc.StoreServiceBlockingStub shopper(String shopperId) {
    return as(new SessionTokens(TestStores.SECRET).issue(shopperId, Instant.now().plus(1, ChronoUnit.HOURS)));
  }

  StoreServiceGrpc.StoreServiceBlockingStub anonymous() {
    return StoreServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  StoreServiceGrpc.StoreServiceBlockingStub as(String token) {
    Metadata metadata = new Metadata();
    metadata.put(AUTHORIZATION, "Bearer " + token);
    return anonymous().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  StoreServiceGrpc.StoreServiceStub managerAsync() {
    return async(TestStores.MANAGER);
  }

  StoreServiceGrpc.StoreServiceStub shopperAsync(String shopperId) {
    return async(new SessionTokens(TestStores.SECRET).issue(shopperId, Instant.now().plus(1, ChronoUnit.HOURS)));
  }

  StoreServiceGrpc.StoreServiceStub async(String token) {
    Metadata metadata = new Metadata();
    metadata.put(AUTHORIZATION, "Bearer " + token);
    return StoreServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}

package org.ezshop.store.storage;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/** The gRPC statuses the store answers with, each naming what was wrong. */
public final class Failures {

  private Failures() {
  }

  public static StatusException invalid(String field, String problem) {
    return new StatusException(GrpcStatus.INVALID_ARGUMENT, field + ": " + problem);
  }

  public static StatusException notFound(String what) {
    return new StatusException(GrpcStatus.NOT_FOUND, what);
  }

  public static StatusException precondition(String what) {
    return new StatusException(GrpcStatus.FAILED_PRECONDITION, what);
  }

  public static StatusException exists(String what) {
    return new StatusException(GrpcStatus.ALREADY_EXISTS, what);
  }

  public static StatusException unauthenticated(String what) {
    return new StatusException(GrpcStatus.UNAUTHENTICATED, what);
  }

  public static StatusException denied(String what) {
    return new StatusException(GrpcStatus.PERMISSION_DENIED, what);
  }

  public static StatusException unavailable(String what) {
    return new StatusException(GrpcStatus.UNAVAILABLE, what);
  }
}

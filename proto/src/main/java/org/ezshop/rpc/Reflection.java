package org.ezshop.rpc;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.reflection.v1.ErrorResponse;
import io.vertx.grpc.reflection.v1.ExtensionNumberResponse;
import io.vertx.grpc.reflection.v1.FileDescriptorResponse;
import io.vertx.grpc.reflection.v1.ListServiceResponse;
import io.vertx.grpc.reflection.v1.ServerReflectionProto;
import io.vertx.grpc.reflection.v1.ServerReflectionRequest;
import io.vertx.grpc.reflection.v1.ServerReflectionResponse;
import io.vertx.grpc.reflection.v1.ServiceResponse;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * grpc.reflection.v1 that answers every request of a stream, as grpcurl and buf expect. (Vert.x 5.0.7's
 * ReflectionService ends the stream after the first answer and fails on the next request.)
 */
final class Reflection implements Service {

  private static final ServiceName NAME = ServiceName.create("grpc.reflection.v1.ServerReflection");
  private static final ServiceMethod<ServerReflectionRequest, ServerReflectionResponse> INFO = ServiceMethod.server(
      NAME, "ServerReflectionInfo", GrpcMessageEncoder.encoder(),
      GrpcMessageDecoder.decoder(ServerReflectionRequest.newBuilder()));

  private List<Service> services = List.of();
  private final Map<String, FileDescriptor> files = new HashMap<>();
  private final Map<String, FileDescriptor> symbols = new HashMap<>();

  @Override
  public ServiceName name() {
    return NAME;
  }

  @Override
  public ServiceDescriptor descriptor() {
    return ServerReflectionProto.getDescriptor().findServiceByName("ServerReflection");
  }

  @Override
  public void bind(GrpcServer server) {
    services = server.services();
    server.callHandler(INFO, this::handle);
  }

  private void handle(GrpcServerRequest<ServerReflectionRequest, ServerReflectionResponse> call) {
    call.handler(request -> call.response().write(answer(request)));
    call.endHandler(v -> call.response().end());
  }

  private synchronized ServerReflectionResponse answer(ServerReflectionRequest request) {
    if (files.isEmpty()) {
      services.forEach(service -> index(service.descriptor().getFile()));
    }
    ServerReflectionResponse.Builder response = ServerReflectionResponse.newBuilder()
        .setValidHost(request.getHost())
        .setOriginalRequest(request);
    switch (request.getMessageRequestCase()) {
      case LIST_SERVICES:
        ListServiceResponse.Builder list = ListServiceResponse.newBuilder();
        services.forEach(s -> list.addService(ServiceResponse.newBuilder().setName(s.name().fullyQualifiedName())));
        return response.setListServicesResponse(list).build();
      case FILE_BY_FILENAME:
        return withFile(response, files.get(request.getFileByFilename()), request.getFileByFilename());
      case FILE_CONTAINING_SYMBOL:
        return withFile(response, symbols.get(request.getFileContainingSymbol()), request.getFileContainingSymbol());
      case FILE_CONTAINING_EXTENSION:
        String extension = request.getFileContainingExtension().getContainingType() + "#"
            + request.getFileContainingExtension().getExtensionNumber();
        return withFile(response, symbols.get(extension), extension);
      case ALL_EXTENSION_NUMBERS_OF_TYPE:
        String type = request.getAllExtensionNumbersOfType();
        if (!symbols.containsKey(type)) {
          return withError(response, GrpcStatus.NOT_FOUND, "unknown type " + type);
        }
        ExtensionNumberResponse.Builder numbers = ExtensionNumberResponse.newBuilder().setBaseTypeName(type);
        symbols.keySet().stream().filter(key -> key.startsWith(type + "#"))
            .forEach(key -> numbers.addExtensionNumber(Integer.parseInt(key.substring(type.length() + 1))));
        return response.setAllExtensionNumbersResponse(numbers).build();
      default:
        return withError(response, GrpcStatus.INVALID_ARGUMENT, "empty or unknown reflection request");
    }
  }

  // The file and everything it imports, as grpc-java sends it; clients skip what they already have.
  private static ServerReflectionResponse withFile(ServerReflectionResponse.Builder response, FileDescriptor file,
      String asked) {
    if (file == null) {
      return withError(response, GrpcStatus.NOT_FOUND, "not found: " + asked);
    }
    Map<String, FileDescriptor> closure = new LinkedHashMap<>();
    collect(file, closure);
    FileDescriptorResponse.Builder descriptors = FileDescriptorResponse.newBuilder();
    closure.values().forEach(f -> descriptors.addFileDescriptorProto(f.toProto().toByteString()));
    return response.setFileDescriptorResponse(descriptors).build();
  }

  private static void collect(FileDescriptor file, Map<String, FileDescriptor> into) {
    if (into.putIfAbsent(file.getName(), file) == null) {
      file.getDependencies().forEach(dependency -> collect(dependency, into));
    }
  }

  private static ServerReflectionResponse withError(ServerReflectionResponse.Builder response, GrpcStatus status,
      String message) {
    return response.setErrorResponse(ErrorResponse.newBuilder().setErrorCode(status.code).setErrorMessage(message))
        .build();
  }

  private void index(FileDescriptor file) {
    if (files.putIfAbsent(file.getName(), file) != null) {
      return;
    }
    for (ServiceDescriptor service : file.getServices()) {
      symbols.put(service.getFullName(), file);
      for (MethodDescriptor method : service.getMethods()) {
        symbols.put(method.getFullName(), file);
      }
    }
    file.getMessageTypes().forEach(message -> index(message, file));
    file.getEnumTypes().forEach(e -> symbols.put(e.getFullName(), file));
    file.getExtensions().forEach(extension -> indexExtension(extension, file));
    file.getDependencies().forEach(this::index);
  }

  private void index(Descriptor message, FileDescriptor file) {
    symbols.put(message.getFullName(), file);
    message.getNestedTypes().forEach(nested -> index(nested, file));
    for (EnumDescriptor e : message.getEnumTypes()) {
      symbols.put(e.getFullName(), file);
    }
    message.getExtensions().forEach(extension -> indexExtension(extension, file));
  }

  private void indexExtension(FieldDescriptor extension, FileDescriptor file) {
    symbols.put(extension.getFullName(), file);
    symbols.put(extension.getContainingType().getFullName() + "#" + extension.getNumber(), file);
  }
}

package dev.maitre.testing;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The contract of {@link GrpcEchoServer}'s service {@value #SERVICE}, built by hand without generated
 * code: its methods, whose messages are UTF-8 strings or raw bytes ({@link #STRINGS}, {@link #BYTES}),
 * and the trailers {@link #FAIL} answers with. Clients in tests call these descriptors.
 */
public final class GrpcEcho {

    public static final String SERVICE = "maitre.test.Echo";

    public static final MethodDescriptor.Marshaller<String> STRINGS = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            return new String(readAll(stream), StandardCharsets.UTF_8);
        }
    };

    public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            return readAll(stream);
        }
    };

    public static final MethodDescriptor<String, String> SAY = method("Say", MethodDescriptor.MethodType.UNARY, STRINGS);
    public static final MethodDescriptor<byte[], byte[]> ECHO_BYTES = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "EchoBytes"))
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    public static final MethodDescriptor<String, String> COUNT =
            method("Count", MethodDescriptor.MethodType.SERVER_STREAMING, STRINGS);
    public static final MethodDescriptor<String, String> SUM =
            method("Sum", MethodDescriptor.MethodType.CLIENT_STREAMING, STRINGS);
    public static final MethodDescriptor<String, String> CHAT =
            method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING, STRINGS);
    public static final MethodDescriptor<String, byte[]> FLOOD = MethodDescriptor.<String, byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Flood"))
            .setRequestMarshaller(STRINGS)
            .setResponseMarshaller(BYTES)
            .build();
    public static final MethodDescriptor<String, String> SLOW = method("Slow", MethodDescriptor.MethodType.UNARY, STRINGS);
    public static final MethodDescriptor<String, String> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY, STRINGS);

    public static final Metadata.Key<String> DETAIL_KEY = Metadata.Key.of("x-echo-detail", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<byte[]> DETAIL_BIN_KEY = Metadata.Key.of("x-echo-detail-bin", Metadata.BINARY_BYTE_MARSHALLER);

    private GrpcEcho() {
    }

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type,
                                                            MethodDescriptor.Marshaller<String> marshaller) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(marshaller)
                .setResponseMarshaller(marshaller)
                .build();
    }

    private static byte[] readAll(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

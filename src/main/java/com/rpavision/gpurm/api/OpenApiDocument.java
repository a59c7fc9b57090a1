package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The control API's OpenAPI document: {@code docs/openapi.yaml}, packaged as a resource beside this class and
 * served as JSON, its {@code servers} pointing at the port this server really listens on.
 */
public final class OpenApiDocument {

    /** The resource the build copies {@code docs/openapi.yaml} to. */
    public static final String RESOURCE = "openapi.yaml";

    private OpenApiDocument() {
    }

    /** The document as written, parsed from YAML. */
    public static JsonNode read() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path beside " + OpenApiDocument.class.getName());
            }
            return new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The document for a server on {@code port}: its only server is that loopback address. */
    static JsonNode forPort(int port) {
        ObjectNode document = (ObjectNode) read();
        document.putArray("servers").addObject().put("url", "http://127.0.0.1:" + port)
                .put("description", "this running app");
        return document;
    }
}

package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.core.config.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control API's bearer token: 32 random bytes, written with the port to {@code api.json}, readable only by
 * the user (POSIX 0600, or an ACL naming only the owner on Windows). Never logged.
 */
public final class ApiToken {

    private final String value;

    private ApiToken(String value) {
        this.value = value;
    }

    public static ApiToken random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new ApiToken(HexFormat.of().formatHex(bytes));
    }

    /** The shortest token {@link #fromFile} accepts: guessing must be out of reach. */
    public static final int MIN_FILE_TOKEN_LENGTH = 16;

    /**
     * A token an operator put in a file (as Prometheus' {@code credentials_file} reads it): the content without
     * surrounding white space, printable ASCII, at least {@value #MIN_FILE_TOKEN_LENGTH} characters.
     */
    public static ApiToken fromFile(Path file) throws IOException {
        String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (token.length() < MIN_FILE_TOKEN_LENGTH || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IOException("the token in " + file + " must be at least " + MIN_FILE_TOKEN_LENGTH
                    + " printable characters without spaces (make one with: openssl rand -hex 32)");
        }
        return new ApiToken(token);
    }

    /** For tests that must present the token. */
    public String value() {
        return value;
    }

    /** Constant-time comparison with what a client presented. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Whether an {@code Authorization} field value presents this token as {@code Bearer <token>}: the scheme in any
     * case (RFC 7235 §2.1), one or more spaces, the token.
     */
    public boolean matchesAuthorization(String authorization) {
        if (authorization == null) {
            return false;
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        return space > 0 && value.substring(0, space).equalsIgnoreCase("Bearer") && matches(value.substring(space + 1).strip());
    }

    /** Writes {@code api.json} (port, base URL, token) so that only the current user can read it. */
    public void writeInfo(Path file, int port) throws IOException {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("port", port);
        info.put("base_url", "http://127.0.0.1:" + port);
        info.put("token", value);
        byte[] json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(info);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // whole or not at all: a full disk must not leave a client an api.json without its token
            AtomicFiles.write(file, json, PosixFilePermissions.fromString("rw-------"));
        } else {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file);
            restrictToOwner(file);
            Files.write(file, json);
        }
    }

    /** Windows: replace the inherited ACL by one entry giving the owner full control. */
    static void restrictToOwner(Path file) throws IOException {
        AclFileAttributeView view = Files.getFileAttributeView(file, AclFileAttributeView.class);
        if (view == null) {
            throw new IOException("cannot restrict " + file + " to its owner: no POSIX permissions and no ACLs here");
        }
        UserPrincipal owner = Files.getOwner(file);
        view.setAcl(List.of(ownerOnly(owner)));
    }

    static AclEntry ownerOnly(UserPrincipal owner) {
        return AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(owner)
                .setPermissions(EnumSet.allOf(AclEntryPermission.class)).build();
    }
}

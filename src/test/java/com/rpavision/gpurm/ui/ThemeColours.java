package com.rpavision.gpurm.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The colours app.css gives its rules under one Primer theme, resolved the way JavaFX resolves them: looked-up
 * colours through app.css's and then Primer's {@code .root}, {@code ladder(...)} on the brightness of its first
 * colour, translucent colours over what lies beneath. Only what app.css uses is understood; anything else fails
 * loudly, so a new kind of value cannot slip past the colour tests.
 */
final class ThemeColours {

    enum Theme {
        LIGHT(new PrimerLight().getUserAgentStylesheet()), DARK(new PrimerDark().getUserAgentStylesheet());

        final String stylesheet;

        Theme(String stylesheet) {
            this.stylesheet = stylesheet;
        }
    }

    /** An sRGB colour, channels 0..1. */
    record Rgba(double r, double g, double b, double a) {
        Rgba over(Rgba under) {
            if (under.a < 1) {
                throw new IllegalArgumentException("translucent colour under another: " + under);
            }
            return new Rgba(r * a + under.r * (1 - a), g * a + under.g * (1 - a), b * a + under.b * (1 - a), 1);
        }

        /** WCAG 2.x relative luminance. */
        double luminance() {
            return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
        }

        private static double linear(double c) {
            return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
        }

        /** WCAG 2.x contrast ratio, 1..21. */
        double contrastWith(Rgba other) {
            double l1 = Math.max(luminance(), other.luminance());
            double l2 = Math.min(luminance(), other.luminance());
            return (l1 + 0.05) / (l2 + 0.05);
        }

        /** CIE76 distance in L*a*b* (D65): about 2 is just noticeable, 20 and up reads as another colour. */
        double distanceTo(Rgba other) {
            double[] p = lab();
            double[] q = other.lab();
            return Math.sqrt(Math.pow(p[0] - q[0], 2) + Math.pow(p[1] - q[1], 2) + Math.pow(p[2] - q[2], 2));
        }

        private double[] lab() {
            double lr = linear(r);
            double lg = linear(g);
            double lb = linear(b);
            double x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047;
            double y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
            double z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883;
            return new double[]{116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
        }

        private static double f(double t) {
            return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16.0 / 116;
        }

        String hex() {
            return String.format("#%02x%02x%02x%s", Math.round(r * 255), Math.round(g * 255), Math.round(b * 255),
                    a < 1 ? String.format(" @%.2f", a) : "");
        }
    }

    record Rule(List<String> selectors, Map<String, String> declarations) {
    }

    private static final Pattern RULE = Pattern.compile("([^{}]+)\\{([^{}]*)}");
    private static final Pattern HEX = Pattern.compile("#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})");
    private static final Pattern RGB = Pattern.compile("rgba?\\(([^)]*)\\)");

    private final Theme theme;
    private final List<Rule> appRules;
    private final Map<String, String> variables = new LinkedHashMap<>();

    ThemeColours(Theme theme) {
        this.theme = theme;
        this.appRules = rules(read(GpuRmApplication.class, "app.css"));
        for (Rule r : rules(read(ThemeColours.class, theme.stylesheet))) {
            if (r.selectors.equals(List.of(".root"))) {
                variables.putAll(r.declarations);
            }
        }
        variables.putAll(appRoot());
    }

    Theme theme() {
        return theme;
    }

    /** app.css's own {@code .root} declarations: its colour sets. */
    Map<String, String> appRoot() {
        Map<String, String> root = new LinkedHashMap<>();
        appRules.stream().filter(r -> r.selectors.contains(".root")).forEach(r -> root.putAll(r.declarations));
        return root;
    }

    List<Rule> appRules() {
        return appRules;
    }

    /** The value app.css gives {@code property} in the last rule naming exactly {@code selector}; fails if none. */
    String declared(String selector, String property) {
        String value = null;
        for (Rule r : appRules) {
            if (r.selectors.contains(selector) && r.declarations.containsKey(property)) {
                value = r.declarations.get(property);
            }
        }
        if (value == null) {
            throw new AssertionError("app.css gives " + selector + " no " + property);
        }
        return value;
    }

    /** A paint as seen: the last layer of a layered background, translucent ones over {@code under}. */
    Rgba seen(String value, Rgba under) {
        List<String> layers = topLevel(value);
        Rgba c = resolve(layers.get(layers.size() - 1));
        return c.a < 1 ? c.over(under) : c;
    }

    Rgba resolve(String value) {
        String v = value.trim();
        if (v.startsWith("ladder(")) {
            return ladder(topLevel(v.substring("ladder(".length(), v.length() - 1)));
        }
        if (v.startsWith("-")) {
            String looked = variables.get(v);
            if (looked == null) {
                throw new AssertionError(theme + ": no colour named " + v);
            }
            return resolve(looked);
        }
        Matcher hex = HEX.matcher(v);
        if (hex.matches()) {
            String h = hex.group(1);
            if (h.length() == 3) {
                h = "" + h.charAt(0) + h.charAt(0) + h.charAt(1) + h.charAt(1) + h.charAt(2) + h.charAt(2);
            }
            int rgb = Integer.parseInt(h, 16);
            return new Rgba((rgb >> 16 & 0xff) / 255.0, (rgb >> 8 & 0xff) / 255.0, (rgb & 0xff) / 255.0, 1);
        }
        Matcher rgb = RGB.matcher(v);
        if (rgb.matches()) {
            String[] p = rgb.group(1).split(",");
            return new Rgba(Double.parseDouble(p[0].trim()) / 255, Double.parseDouble(p[1].trim()) / 255,
                    Double.parseDouble(p[2].trim()) / 255, p.length > 3 ? Double.parseDouble(p[3].trim()) : 1);
        }
        return switch (v) {
            case "white" -> new Rgba(1, 1, 1, 1);
            case "black" -> new Rgba(0, 0, 0, 1);
            case "transparent" -> new Rgba(0, 0, 0, 0);
            default -> throw new AssertionError(theme + ": a colour the test does not read: " + v);
        };
    }

    /** JavaFX's ladder: the stops around the reference's brightness (0.3 r + 0.59 g + 0.11 b), interpolated. */
    private Rgba ladder(List<String> args) {
        Rgba ref = resolve(args.get(0));
        double brightness = 0.3 * ref.r + 0.59 * ref.g + 0.11 * ref.b;
        List<Map.Entry<Double, Rgba>> stops = new ArrayList<>();
        for (String stop : args.subList(1, args.size())) {
            int space = stop.trim().lastIndexOf(' ');
            String s = stop.trim();
            stops.add(Map.entry(Double.parseDouble(s.substring(space + 1).replace("%", "")) / 100,
                    resolve(s.substring(0, space))));
        }
        stops.sort(Comparator.comparing(Map.Entry::getKey));
        if (brightness <= stops.get(0).getKey()) {
            return stops.get(0).getValue();
        }
        for (int i = 1; i < stops.size(); i++) {
            if (brightness <= stops.get(i).getKey()) {
                Map.Entry<Double, Rgba> lo = stops.get(i - 1);
                Map.Entry<Double, Rgba> hi = stops.get(i);
                double t = (brightness - lo.getKey()) / (hi.getKey() - lo.getKey());
                Rgba a = lo.getValue();
                Rgba b = hi.getValue();
                return new Rgba(a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t,
                        a.a + (b.a - a.a) * t);
            }
        }
        return stops.get(stops.size() - 1).getValue();
    }

    /** Splits on the commas outside parentheses. */
    static List<String> topLevel(String value) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(value.substring(start, i).trim());
                start = i + 1;
            }
        }
        parts.add(value.substring(start).trim());
        return parts;
    }

    static String withoutComments(String css) {
        return css.replaceAll("(?s)/\\*.*?\\*/", "");
    }

    static List<Rule> rules(String css) {
        List<Rule> rules = new ArrayList<>();
        Matcher m = RULE.matcher(withoutComments(css));
        while (m.find()) {
            List<String> selectors = new ArrayList<>();
            for (String s : m.group(1).split(",")) {
                selectors.add(s.trim().replaceAll("\\s+", " "));
            }
            Map<String, String> declarations = new LinkedHashMap<>();
            for (String d : m.group(2).split(";")) {
                int colon = d.indexOf(':');
                if (colon > 0) {
                    declarations.put(d.substring(0, colon).trim(), d.substring(colon + 1).trim());
                }
            }
            rules.add(new Rule(selectors, declarations));
        }
        return rules;
    }

    static String read(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

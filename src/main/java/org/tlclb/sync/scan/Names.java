package org.tlclb.sync.scan;

/** File names as data: how one is shown on one line of a report, whatever bytes it holds. */
public final class Names {
    private Names() {
    }

    /** A name as one printable line: control characters escaped as rsync does ("\#012"). */
    public static String printable(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\#%03o", (int) c));
            } else if (c == '\\') {
                sb.append("\\\\");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

}

// The directory export reader: the upload reader's decoding and splitting, the directory's
// columns, and the rows it will not trust.
import { describe, expect, it } from "vitest";
import { readDirectoryCsv } from "../../src/domain/directory-csv.js";

const utf8 = (text: string) => new TextEncoder().encode(text);
const ok = (bytes: Uint8Array) => {
  const read = readDirectoryCsv(bytes);
  if (!read.ok) throw new Error(read.message);
  return read;
};

describe("readDirectoryCsv", () => {
  it("reads semicolon files with Excel's sep= line, counting lines as a spreadsheet shows them", () => {
    const read = ok(utf8("sep=;\nuserPrincipalName;displayName\n\nann@contoso.example;Ann\nbad;Bad\n"));
    expect(read.delimiter).toBe(";");
    expect(read.people.map((p) => [p.line, p.userPrincipalName])).toEqual([[3, "ann@contoso.example"]]);
    expect(read.rejected).toEqual([{ line: 4, reason: 'userPrincipalName "bad" is not a valid address' }]);
  });

  it("reads UTF-16 without a BOM and Windows-1252, like uploads", () => {
    const text = "userPrincipalName,displayName\r\nzoe@contoso.example,Zoë Zürich\r\n";
    expect(ok(new Uint8Array(Buffer.from(text, "utf16le"))).people[0]).toMatchObject({ userPrincipalName: "zoe@contoso.example", displayName: "Zoë Zürich" });
    const latin1 = ok(new Uint8Array(Buffer.from(text, "latin1")));
    expect(latin1.encoding).toBe("Windows-1252");
    expect(latin1.people[0]!.displayName).toBe("Zoë Zürich");
  });

  it("reads the older portal's headers: Object Id, User principal name, Block sign in", () => {
    const read = ok(utf8("Object Id,User principal name,Display name,Block sign in\nabc,ann@contoso.example,Ann,Yes\ndef,bob@contoso.example,Bob,No\n"));
    expect(read.people.map((p) => [p.entraObjectId, p.accountEnabled])).toEqual([
      ["abc", false],
      ["def", true],
    ]);
  });

  it("rejects a second row for the same person (by UPN, whatever its case, or by object id)", () => {
    const read = ok(utf8("id,userPrincipalName\n1,ann@contoso.example\n2,ANN@contoso.example\n1,other@contoso.example\n"));
    expect(read.people).toHaveLength(1);
    expect(read.rejected).toEqual([
      { line: 3, reason: "userPrincipalName ann@contoso.example is also on line 2" },
      { line: 4, reason: "id 1 is also on line 2" },
    ]);
  });

  it("marks guests by userType or by #EXT# in the UPN", () => {
    const read = ok(
      utf8(
        "userPrincipalName,mail,userType\nann@contoso.example,ann@contoso.example,Member\ngail_f.example#EXT#@contoso.onmicrosoft.com,gail@f.example,\nhal@h.example,hal@h.example,guest\n",
      ),
    );
    expect(read.people.map((p) => p.guest)).toEqual([false, true, true]);
  });

  it("refuses a file with a header and nobody below it, and a binary file", () => {
    expect(readDirectoryCsv(utf8("userPrincipalName,displayName\n\n"))).toMatchObject({
      ok: false,
      message: expect.stringContaining("a header but nobody below it"),
    });
    expect(readDirectoryCsv(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2, 0, 0, 0, 9, 0, 0, 0, 0]))).toMatchObject({
      ok: false,
      message: expect.stringContaining("not CSV text"),
    });
  });

  it("rejects a NUL or a character that did not decode in an address, naming the column", () => {
    // A NUL byte in a UTF-8 file makes it binary (refused whole); in UTF-16 a NUL is one character.
    const text = 'userPrincipalName,displayName\nann@contoso.example,Ann\n"a\u0000b@contoso.example",X\nc\ufffd@contoso.example,Y\n';
    const read = ok(new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])));
    expect(read.rejected.map((r) => [r.line, r.reason.split(":")[0]])).toEqual([
      [3, "userPrincipalName contains a control character (U+0000)"],
      [4, "userPrincipalName contains a control character (U+FFFD)"],
    ]);
  });
});

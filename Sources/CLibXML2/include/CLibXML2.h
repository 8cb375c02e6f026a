#ifndef HACKWATCH_CLIBXML2_H
#define HACKWATCH_CLIBXML2_H
/* Debian builds libxml2 with ICU; its <unicode/…> headers clash with Foundation's own ICU module
   in Swift. Nothing here touches the ICU converter fields, so the ICU part is left out. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/uri.h>
#include <libxml/entities.h>

/// What a parse ran into. `message` is the first fault's libxml2 message (trimmed).
typedef struct hw_xml_report {
    /// Errors libxml2 recovered from (0: the document was well-formed).
    int faults;
    /// libxml2's xmlParserErrors code and line of the first fault.
    int first_code;
    int first_line;
    char message[160];
    /// Nesting went past libxml2's limit (256 without XML_PARSE_HUGE): parsing stopped there.
    int too_deep;
    /// The document had a <!DOCTYPE> (its entity declarations are never used).
    int had_doctype;
    /// A "premature end" fault: the body was cut off.
    int truncated;
} hw_xml_report;

/// Parses XML with recovery and without network, DTD loading or entity substitution. Every
/// entity reference other than the five predefined ones becomes an HTML character when HTML
/// names it (`&eacute;`) or stays literally in the text (`&xxe;`): declared entities are never
/// used, so nothing expands or is fetched. Elements whose end tag was seen get `_private` = 1
/// (so a caller can drop an item a truncated body cut off). Free with xmlFreeDoc.
xmlDocPtr hw_xml_read(const char *bytes, int size, hw_xml_report *report);

/// Receives a feed item element once its end tag is read.
typedef void (*hw_item_handler)(void *context, xmlNodePtr item);

/// hw_xml_read, handing every closed <item>/<entry> child of the root or of its <channel> to
/// `handler` and freeing it right after: the document never holds more than one item. Items a
/// truncated body left open stay in the document.
xmlDocPtr hw_xml_read_items(const char *bytes, int size, hw_xml_report *report, hw_item_handler handler, void *context);

/// True (1) when the bytes are valid UTF-8 (no surrogates, overlongs or values past U+10FFFF).
int hw_utf8_valid(const unsigned char *bytes, int size);

/// Parses HTML (recovering, no network; libxml2's HTML parser knows the full entity set).
xmlDocPtr hw_html_read(const char *bytes, int size, const char *encoding);

/// What the parser path of hw_html_text gives for simple fragments (bare <p>, <div>, <br>, a few
/// inline tags, no references), without starting the parser; NULL with `length` -1 for any
/// other fragment. hw_field_text tries it first. malloc'd (hw_free).
char *hw_html_fast_text(const char *bytes, int size, int *length);

/// The text (as hw_node_text gives it) of an HTML fragment in UTF-8, parsed with a parser
/// context kept per thread. malloc'd (free with hw_free); NULL only when out of memory.
char *hw_html_text(const char *bytes, int size, int *length);

/// The text of `node` as a reader sees it: text and CDATA concatenated, comments, processing
/// instructions, <script>, <style> and <template> dropped, a space around every element that is not
/// inline (so "<p>a</p><p>b</p>" gives "a b" and "<b>Korea</b>'s" gives "Korea's"). malloc'd
/// UTF-8 (free with hw_free), never NULL; `length` receives its byte count.
char *hw_node_text(xmlNodePtr node, int *length);

/// A feed field's text in one pass: hw_node_text, then (with `html`) markup turned into text by
/// the HTML parser when there is a `<`, then whitespace collapsed and trimmed (the White_Space set
/// FeedText.collapse uses). `references` is set when `html` text without markup holds a `&`
/// that the caller must decode. malloc'd (hw_free).
char *hw_field_text(xmlNodePtr node, int html, int *length, int *references);

/// Which item field an element's local name is, numbered in this order from 1: title, link,
/// guid, id, pubDate, published, issued, date, created, updated, modified, description, summary,
/// content, encoded, category, subject; 0 for any other name. (ItemReader's `FieldName`.)
int hw_field_name(const xmlChar *name);

/// The code point an HTML entity name stands for, or 0.
unsigned int hw_html_entity(const char *name);

/// Checks XPath 1.0 syntax; returns 1 when it compiles.
int hw_xpath_compiles(const char *expression);

/// Sends this thread's XPath errors nowhere (libxml2 prints them on stderr by default; the
/// caller reports bad expressions itself).
void hw_xpath_quiet(void);

/// The offset of the first `needle` in `haystack` (glibc's memmem), or -1.
long hw_find(const void *haystack, long size, const void *needle, long length);

/// Frees what hw_node_text returns.
void hw_free(void *pointer);
/// xmlFree, which is a macro Swift cannot call (strings from xmlGetProp, xmlNodeGetBase, …).
void hw_xml_free(void *pointer);

#endif

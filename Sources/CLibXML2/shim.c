/* memmem is a GNU extension. */
#define _GNU_SOURCE
#include "CLibXML2.h"
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/hash.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/// Per-parse state, hung on ctxt->_private.
typedef struct hw_state {
    hw_xml_report *report;
    /// Entities made up for references (name → xmlEntity), freed after the parse.
    xmlHashTablePtr entities;
    /// Called with each closed feed item, which is then freed (hw_xml_read_items).
    hw_item_handler handler;
    void *context;
    /// Set by a tag-name-mismatch error: the end tag's name, consumed by the endElementNs hook.
    char mismatch[128];
} hw_state;

static void hw_error(void *ctx, xmlErrorPtr error) {
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    if (ctxt == NULL || error == NULL || error->level == XML_ERR_WARNING) return;
    hw_state *state = (hw_state *)ctxt->_private;
    if (state == NULL) return;
    hw_xml_report *report = state->report;
    /* An undeclared entity is not a fault here: hw_get_entity answers every reference. */
    report->faults += 1;
    if (report->faults == 1) {
        report->first_code = error->code;
        report->first_line = error->line;
        const char *message = error->message ? error->message : "unknown error";
        size_t length = strlen(message);
        while (length > 0 && (message[length - 1] == '\n' || message[length - 1] == ' ')) length--;
        if (length >= sizeof(report->message)) length = sizeof(report->message) - 1;
        memcpy(report->message, message, length);
        report->message[length] = 0;
    }
    switch (error->code) {
    case XML_ERR_INTERNAL_ERROR:
        if (error->message && strstr(error->message, "Excessive depth")) report->too_deep = 1;
        break;
    case XML_ERR_TAG_NOT_FINISHED: case XML_ERR_DOCUMENT_END: case XML_ERR_LTSLASH_REQUIRED:
    case XML_ERR_GT_REQUIRED: case XML_ERR_DOCUMENT_EMPTY:
        report->truncated = 1;
        break;
    case XML_ERR_TAG_NAME_MISMATCH:
        if (error->str2) {
            strncpy(state->mismatch, error->str2, sizeof(state->mismatch) - 1);
            state->mismatch[sizeof(state->mismatch) - 1] = 0;
        }
        break;
    default: break;
    }
    if (error->message && strstr(error->message, "Premature end")) report->truncated = 1;
    if (error->message && strstr(error->message, "Excessive depth")) report->too_deep = 1;
}

static void hw_free_entity(void *payload, const xmlChar *name) {
    (void)name;
    xmlEntityPtr entity = (xmlEntityPtr)payload;
    xmlFree((void *)entity->name);
    xmlFree(entity->content);
    free(entity);
}

/// Every entity reference outside the DTD lands here (XML_PARSE_OLDSAX makes libxml2 ask even
/// for the predefined ones). The answer is always an "internal predefined" entity, which libxml2
/// inlines as text and never parses: the five XML ones, an HTML character (`&eacute;`), or the
/// reference itself as literal text (`&xxe;`, `&lol9;`). Declared entities are never looked up.
static xmlEntityPtr hw_get_entity(void *ctx, const xmlChar *name) {
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    xmlEntityPtr predefined = xmlGetPredefinedEntity(name);
    /* In recovery libxml2 drops every reference once the document is known ill-formed; the
       faults are counted by hw_error, so the flag is put back to keep "AT&amp;T" after a raw <br>. */
    ctxt->wellFormed = 1;
    if (predefined != NULL) return predefined;
    if (ctxt->inSubset) return NULL;
    hw_state *state = (hw_state *)ctxt->_private;
    if (state->entities == NULL) state->entities = xmlHashCreate(16);
    xmlEntityPtr entity = (xmlEntityPtr)xmlHashLookup(state->entities, name);
    if (entity != NULL) return entity;
    entity = (xmlEntityPtr)calloc(1, sizeof(xmlEntity));
    if (entity == NULL) return NULL;
    entity->type = XML_ENTITY_DECL;
    entity->etype = XML_INTERNAL_PREDEFINED_ENTITY;
    entity->name = xmlStrdup(name);
    const htmlEntityDesc *html = htmlEntityLookup(name);
    xmlChar buffer[160];
    if (html != NULL) {
        int length = xmlCopyChar(4, buffer, (int)html->value);
        buffer[length] = 0;
    } else {
        snprintf((char *)buffer, sizeof(buffer), "&%.150s;", (const char *)name);
    }
    entity->content = xmlStrdup(buffer);
    entity->length = xmlStrlen(entity->content);
    if (xmlHashAddEntry(state->entities, name, entity) != 0) {
        hw_free_entity(entity, NULL);
        return NULL;
    }
    return entity;
}

static const int hw_closed = 1;

/* An <item>/<entry> child of the root or of a root's <channel> (RSS 2.0 nests items in the
   channel, RSS 1.0 and Atom do not). */
static int hw_is_feed_item(xmlNodePtr node) {
    if (node == NULL || node->type != XML_ELEMENT_NODE || node->parent == NULL) return 0;
    if (!xmlStrEqual(node->name, BAD_CAST "item") && !xmlStrEqual(node->name, BAD_CAST "entry")) return 0;
    xmlNodePtr parent = node->parent;
    if (parent->type != XML_ELEMENT_NODE || parent->parent == NULL) return 0;
    if (parent->parent->type == XML_DOCUMENT_NODE) return 1;
    return xmlStrEqual(parent->name, BAD_CAST "channel") && parent->parent->parent != NULL
        && parent->parent->parent->type == XML_DOCUMENT_NODE;
}

/* Marks `node` closed and, when it is a feed item and a handler is set, hands it over and frees
   it: memory then stays proportional to one item, not to the document. */
static void hw_closed_node(xmlParserCtxtPtr ctxt, hw_state *state, xmlNodePtr node) {
    if (node == NULL) return;
    node->_private = (void *)&hw_closed;
    if (state == NULL || state->handler == NULL || !hw_is_feed_item(node)) return;
    state->handler(state->context, node);
    xmlUnlinkNode(node);
    xmlFreeNode(node);
    /* libxml2 appends the next characters to the parent's last text node using lengths it
       remembers from the last text it built (inside the freed item): make it measure afresh. */
    ctxt->nodelen = 0;
    ctxt->nodemem = 0;
}

/* libxml2 2.9.x keeps this private (parser.c); mirrored to read an open element's namespace count.
   Namespaces are declared on the root in practice, so a layout change would only matter there. */
struct _xmlStartTag { const xmlChar *prefix; const xmlChar *URI; int line; int nsNr; };

/// Marks closed elements and, after a tag-name mismatch whose end tag names an open ancestor
/// (`<description>a<br>b</description>`), closes up to that ancestor, as an HTML reader would:
/// libxml2 alone closes only the innermost element, shifting every later item one level down.
static void hw_end_element(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *URI) {
    xmlParserCtxtPtr ctxt = (xmlParserCtxtPtr)ctx;
    hw_state *state = (hw_state *)ctxt->_private;
    xmlNodePtr closing = ctxt->node;
    xmlSAX2EndElementNs(ctx, localname, prefix, URI);
    hw_closed_node(ctxt, state, closing);
    if (state == NULL || state->mismatch[0] == 0) return;
    const xmlChar *wanted = (const xmlChar *)state->mismatch;
    int target = -1;
    /* Never the root (level 0): libxml2's content loop expects it open until its own end. */
    for (int level = ctxt->nameNr - 2; level >= 1 && level >= ctxt->nameNr - 8; level--) {
        if (xmlStrEqual(ctxt->nameTab[level], wanted)) { target = level; break; }
    }
    state->mismatch[0] = 0;
    if (target < 0) return;
    /* Close levels nameNr-2 … target; the parser then pops one level (the innermost) itself. */
    for (int level = ctxt->nameNr - 2; level >= target; level--) {
        xmlNodePtr ancestor = ctxt->node;
        xmlSAX2EndElementNs(ctx, ctxt->nameTab[level], NULL, NULL);
        hw_closed_node(ctxt, state, ancestor);
        int nsCount = ctxt->pushTab[level].nsNr;
        /* nsNr counts nsTab entries (a prefix and a URI per declaration), as nsPop does. */
        if (nsCount > 0 && ctxt->nsNr >= nsCount) {
            ctxt->nsNr -= nsCount;
            for (int i = 0; i < nsCount; i++) ctxt->nsTab[ctxt->nsNr + i] = NULL;
        }
        if (ctxt->spaceNr > 0) {
            ctxt->spaceNr--;
            ctxt->spaceTab[ctxt->spaceNr] = 0;
            ctxt->space = ctxt->spaceNr > 0 ? &ctxt->spaceTab[ctxt->spaceNr - 1] : &ctxt->spaceTab[0];
        }
        namePop(ctxt);
    }
}

xmlDocPtr hw_xml_read(const char *bytes, int size, hw_xml_report *report) {
    return hw_xml_read_items(bytes, size, report, NULL, NULL);
}

xmlDocPtr hw_xml_read_items(const char *bytes, int size, hw_xml_report *report, hw_item_handler handler, void *context) {
    memset(report, 0, sizeof(*report));
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL) return NULL;
    hw_state state;
    memset(&state, 0, sizeof(state));
    state.report = report;
    state.handler = handler;
    state.context = context;
    ctxt->_private = &state;
    ctxt->sax->serror = hw_error;
    ctxt->sax->getEntity = hw_get_entity;
    ctxt->sax->endElementNs = hw_end_element;
    /* Never declare, resolve or load anything a DTD names. */
    ctxt->sax->entityDecl = NULL;
    ctxt->sax->unparsedEntityDecl = NULL;
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->resolveEntity = NULL;
    int options = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING
        | XML_PARSE_OLDSAX | XML_PARSE_COMPACT | XML_PARSE_NOCDATA;
    /* xmlCtxtReadMemory copies the body: libxml2's parser needs its input NUL-terminated,
       which the caller's bytes are not. */
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, bytes, size, NULL, NULL, options);
    if (doc != NULL && doc->intSubset != NULL) report->had_doctype = 1;
    if (ctxt->nameNr > 0 && !report->too_deep) report->truncated = 1;
    if (state.entities != NULL) xmlHashFree(state.entities, hw_free_entity);
    ctxt->_private = NULL;
    xmlFreeParserCtxt(ctxt);
    return doc;
}

xmlDocPtr hw_html_read(const char *bytes, int size, const char *encoding) {
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
        | HTML_PARSE_COMPACT | HTML_PARSE_NOIMPLIED | HTML_PARSE_NODEFDTD;
    return htmlReadMemory(bytes, size, NULL, encoding, options);
}

/* --- text of a subtree --------------------------------------------------------------------- */

typedef struct hw_buffer { char *data; int length, capacity; } hw_buffer;

static void hw_append(hw_buffer *buffer, const char *text, int length) {
    if (length <= 0) return;
    if (buffer->length + length + 1 > buffer->capacity) {
        int capacity = buffer->capacity * 2;
        if (capacity < buffer->length + length + 1) capacity = buffer->length + length + 64;
        char *grown = realloc(buffer->data, (size_t)capacity);
        if (grown == NULL) return;
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->length, text, (size_t)length);
    buffer->length += length;
    buffer->data[buffer->length] = 0;
}

static int hw_name_in(const xmlChar *name, const char *const *names) {
    if (name == NULL) return 0;
    int first = name[0] | 0x20;
    for (; *names; names++) {
        if ((*names)[0] == first && xmlStrcasecmp(name, (const xmlChar *)*names) == 0) return 1;
    }
    return 0;
}

static const char *const hw_skipped[] = {"script", "style", "template", "noscript", "head", NULL};
static const char *const hw_inline[] = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", NULL,
};

/* HTML fragments are turned into text by SAX callbacks, without building a tree: the same
   rules as hw_node_text (skipped elements, a space around blocks), a fraction of the allocations. */
typedef struct hw_html_sink { hw_buffer buffer; int skipping; } hw_html_sink;


static void hw_html_start(void *ctx, const xmlChar *name, const xmlChar **attributes) {
    (void)attributes;
    hw_html_sink *sink = (hw_html_sink *)((htmlParserCtxtPtr)ctx)->_private;
    if (sink->skipping > 0 || hw_name_in(name, hw_skipped)) { sink->skipping++; return; }
    if (!hw_name_in(name, hw_inline)) hw_append(&sink->buffer, " ", 1);
}

static void hw_html_end(void *ctx, const xmlChar *name) {
    hw_html_sink *sink = (hw_html_sink *)((htmlParserCtxtPtr)ctx)->_private;
    if (sink->skipping > 0) { sink->skipping--; return; }
    if (!hw_name_in(name, hw_inline)) hw_append(&sink->buffer, " ", 1);
}

static void hw_html_characters(void *ctx, const xmlChar *text, int length) {
    hw_html_sink *sink = (hw_html_sink *)((htmlParserCtxtPtr)ctx)->_private;
    if (sink->skipping == 0) hw_append(&sink->buffer, (const char *)text, length);
}

/* One HTML parser context per thread, reused (a fresh one per RSS description cost more than the
   parse itself); replaced now and then so its name dictionary cannot grow without bound. */
static __thread htmlParserCtxtPtr hw_html_context;
static __thread int hw_html_uses;

/* Parses `marked` (a UTF-8 BOM, then the fragment) with the thread's context. */
static char *hw_html_text_marked(const char *marked, int size, int *length) {
    if (hw_html_context != NULL && hw_html_uses >= 2000) {
        htmlFreeParserCtxt(hw_html_context);
        hw_html_context = NULL;
    }
    if (hw_html_context == NULL) {
        hw_html_context = htmlNewParserCtxt();
        hw_html_uses = 0;
        if (hw_html_context != NULL && hw_html_context->sax != NULL) {
            xmlSAXHandlerPtr sax = hw_html_context->sax;
            sax->startElement = hw_html_start;
            sax->endElement = hw_html_end;
            sax->characters = hw_html_characters;
            sax->ignorableWhitespace = hw_html_characters;
            sax->cdataBlock = hw_html_characters;
            sax->comment = NULL;
            sax->processingInstruction = NULL;
            sax->internalSubset = NULL;
            /* No document either: only the callbacks above see the fragment. */
            sax->startDocument = NULL;
            sax->endDocument = NULL;
        }
    }
    if (hw_html_context == NULL) { *length = 0; return NULL; }
    hw_html_uses++;
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
        | HTML_PARSE_COMPACT | HTML_PARSE_NOIMPLIED | HTML_PARSE_NODEFDTD;
    hw_html_sink sink = {{malloc(256), 0, 256}, 0};
    if (sink.buffer.data == NULL) { *length = 0; return NULL; }
    sink.buffer.data[0] = 0;
    hw_html_context->_private = &sink;
    htmlDocPtr doc = htmlCtxtReadMemory(hw_html_context, marked, size, NULL, NULL, options);
    hw_html_context->_private = NULL;
    if (doc != NULL) xmlFreeDoc(doc);
    *length = sink.buffer.length;
    return sink.buffer.data;
}

/* --- HTML fragments without the parser ------------------------------------------------------ */

/* The elements the fast path knows; anything else sends the fragment to libxml2's parser. */
enum { hw_fast_p = 1, hw_fast_div, hw_fast_br, hw_fast_inline };
static const char *const hw_fast_inlines[] = {"b", "i", "em", "strong", "span", "code", "u", "small", NULL};

static int hw_fast_kind(const char *name, int length) {
    if (length == 1 && name[0] == 'p') return hw_fast_p;
    if (length == 3 && memcmp(name, "div", 3) == 0) return hw_fast_div;
    if (length == 2 && memcmp(name, "br", 2) == 0) return hw_fast_br;
    for (int k = 0; hw_fast_inlines[k]; k++) {
        if (hw_fast_inlines[k][0] == name[0] && (int)strlen(hw_fast_inlines[k]) == length
            && memcmp(name, hw_fast_inlines[k], (size_t)length) == 0) return hw_fast_inline + k;
    }
    return 0;
}

/* What a text byte is to hw_html_fast: plain (appended as is), blank (space, tab, newline), or
   special ('<', '&', DEL, other control characters, and 0xEF, which may start U+FFFE/U+FFFF). */
enum { hw_text_plain = 0, hw_text_blank = 1, hw_text_special = 2 };
static const unsigned char hw_text_class[256] = {
    [0x00 ... 0x08] = hw_text_special, ['\t'] = hw_text_blank, ['\n'] = hw_text_blank,
    [0x0B ... 0x1F] = hw_text_special, [' '] = hw_text_blank,
    ['&'] = hw_text_special, ['<'] = hw_text_special, [0x7F] = hw_text_special, [0xEF] = hw_text_special,
};

/* The text libxml2's HTML parser gives (through the hw_html_* callbacks) for the common shape of
   feed HTML: bare <p>, <div>, <br> and a few inline tags, properly nested, text without
   references. It reproduces what the parser does with such input: an implied <p> around text at
   the top level, a <p> closing an open <p>, elements left open closed at the end. Returns 0
   (nothing appended) for anything else, which then goes to the parser; the tests compare both
   on generated fragments. */
static int hw_html_fast(const char *text, int n, hw_buffer *out) {
    int stack[32], depth = 0, inlines = 0;
    int start_length = out->length;
    int i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)text[i];
        if (c == '<') {
            int j = i + 1, closing = 0;
            if (j < n && text[j] == '/') { closing = 1; j++; }
            int name = j;
            while (j < n && text[j] >= 'a' && text[j] <= 'z') j++;
            if (j == name || j >= n || text[j] != '>') goto decline;
            int kind = hw_fast_kind(text + name, j - name);
            if (kind == 0) goto decline;
            i = j + 1;
            if (closing) {
                if (kind == hw_fast_br || depth == 0 || stack[depth - 1] != kind) goto decline;
                depth--;
                if (kind >= hw_fast_inline) inlines--;
                else hw_append(out, " ", 1);
                continue;
            }
            if (kind == hw_fast_br) {
                if (inlines > 0) goto decline;
                hw_append(out, "  ", 2);  /* start and end of a void block element */
                continue;
            }
            if (kind >= hw_fast_inline) {
                for (int k = 0; k < depth; k++) if (stack[k] == kind) goto decline;
                if (depth == 32) goto decline;
                stack[depth++] = kind;
                inlines++;
                continue;
            }
            /* <p>/<div>: at the top level, or a <p> closing the <p> that is open. */
            if (kind == hw_fast_p && depth == 1 && stack[0] == hw_fast_p) { depth = 0; hw_append(out, " ", 1); }
            if (depth != 0) goto decline;
            stack[depth++] = kind;
            hw_append(out, " ", 1);
            continue;
        }
        int run = i, blank = 1;
        while (i < n) {
            unsigned char b = (unsigned char)text[i];
            unsigned char kind = hw_text_class[b];
            if (kind == hw_text_plain) { blank = 0; i++; continue; }  /* most bytes: one lookup */
            if (kind == hw_text_blank) { i++; continue; }
            if (b == '<') break;
            if (b != 0xEF) goto decline;  /* '&', DEL, control characters */
            if (i + 2 < n && (unsigned char)text[i + 1] == 0xBF && ((unsigned char)text[i + 2] & 0xFE) == 0xBE) goto decline;
            blank = 0;
            i++;
        }
        /* Text outside any element opens an implied <p> (blank text does not). */
        if (!blank && depth == 0) { stack[depth++] = hw_fast_p; hw_append(out, " ", 1); }
        hw_append(out, text + run, i - run);
    }
    while (depth > 0) {
        if (stack[--depth] < hw_fast_inline) hw_append(out, " ", 1);
    }
    return 1;
decline:
    out->length = start_length;
    if (out->data) out->data[out->length] = 0;
    return 0;
}

char *hw_html_fast_text(const char *bytes, int size, int *length) {
    hw_buffer buffer = {malloc(256), 0, 256};
    *length = -1;
    if (buffer.data == NULL) return NULL;
    buffer.data[0] = 0;
    if (!hw_html_fast(bytes, size, &buffer)) { free(buffer.data); return NULL; }
    *length = buffer.length;
    return buffer.data;
}

/* A UTF-8 BOM instead of naming the encoding: libxml2 then reads the bytes as they are, where a
   named encoding runs them through a (copying) UTF-8 → UTF-8 converter. */
static const char hw_bom[3] = {(char)0xEF, (char)0xBB, (char)0xBF};

char *hw_html_text(const char *bytes, int size, int *length) {
    if (size <= 0) {
        char *empty = malloc(1);
        if (empty) empty[0] = 0;
        *length = 0;
        return empty;
    }
    char *marked = malloc((size_t)size + 3);
    if (marked == NULL) { *length = 0; return NULL; }
    memcpy(marked, hw_bom, 3);
    memcpy(marked + 3, bytes, (size_t)size);
    char *text = hw_html_text_marked(marked, size + 3, length);
    free(marked);
    return text;
}

static void hw_collect_text(xmlNodePtr root, hw_buffer *out);

char *hw_node_text(xmlNodePtr root, int *length) {
    hw_buffer buffer = {malloc(256), 0, 256};  /* most fields fit: no realloc */
    if (buffer.data == NULL) { *length = 0; return NULL; }
    buffer.data[0] = 0;
    hw_collect_text(root, &buffer);
    *length = buffer.length;
    return buffer.data;
}

static void hw_collect_text(xmlNodePtr root, hw_buffer *out) {
    hw_buffer buffer = *out;
    if (root == NULL) return;
    if (root->type == XML_TEXT_NODE || root->type == XML_CDATA_SECTION_NODE || root->type == XML_ATTRIBUTE_NODE) {
        xmlChar *content = xmlNodeGetContent(root);
        if (content) { hw_append(&buffer, (const char *)content, xmlStrlen(content)); xmlFree(content); }
        *out = buffer;
        return;
    }
    /* Iterative walk (parent pointers): no recursion, whatever the depth. */
    xmlNodePtr node = root->children;
    while (node != NULL) {
        int descend = 0;
        switch (node->type) {
        case XML_TEXT_NODE: case XML_CDATA_SECTION_NODE:
            if (node->content) hw_append(&buffer, (const char *)node->content, xmlStrlen(node->content));
            break;
        case XML_ELEMENT_NODE:
            if (hw_name_in(node->name, hw_skipped)) break;
            if (!hw_name_in(node->name, hw_inline)) hw_append(&buffer, " ", 1);
            descend = node->children != NULL;
            break;
        default: break;  /* comments, processing instructions, entity declarations */
        }
        if (descend) { node = node->children; continue; }
        if (node->type == XML_ELEMENT_NODE && !hw_name_in(node->name, hw_inline)) hw_append(&buffer, " ", 1);
        while (node != root && node->next == NULL) {
            node = node->parent;
            if (node == NULL || node == root) { node = NULL; break; }
            if (node->type == XML_ELEMENT_NODE && !hw_name_in(node->name, hw_inline)) hw_append(&buffer, " ", 1);
        }
        if (node == NULL) break;
        node = node->next;
    }
    *out = buffer;
}

/* Length of the Unicode White_Space character at text[i] (the set FeedText.collapse uses), or 0. */
static int hw_space_length(const unsigned char *b, int i, int n) {
    unsigned char c = b[i];
    if (c == 0x20 || (c >= 0x09 && c <= 0x0D)) return 1;
    if (c < 0xC2 || i + 1 >= n) return 0;
    unsigned char d = b[i + 1];
    switch (c) {
    case 0xC2: return d == 0x85 || d == 0xA0 ? 2 : 0;
    case 0xE1: return i + 2 < n && d == 0x9A && b[i + 2] == 0x80 ? 3 : 0;
    case 0xE2:
        if (i + 2 >= n) return 0;
        if (d == 0x80) { unsigned char e = b[i + 2]; return e <= 0x8A || e == 0xA8 || e == 0xA9 || e == 0xAF ? 3 : 0; }
        return d == 0x81 && b[i + 2] == 0x9F ? 3 : 0;
    case 0xE3: return i + 2 < n && d == 0x80 && b[i + 2] == 0x80 ? 3 : 0;
    default: return 0;
    }
}

/* Collapses whitespace runs to one space and trims, in place; returns the new length. */
static int hw_collapse(char *text, int n) {
    const unsigned char *b = (const unsigned char *)text;
    int out = 0, pending = 0;
    for (int i = 0; i < n;) {
        unsigned char c = b[i];
        if (c > 0x20 && c < 0x80) {  /* the common case: a run of printable ASCII */
            if (pending) { text[out++] = ' '; pending = 0; }
            if (out == i) {
                /* Nothing removed yet (most fields): skip words and single spaces in place. */
                const unsigned char *p = b + i + 1, *end = b + n;
                for (;;) {
                    while (p < end && (unsigned char)(*p - 0x21) < 0x5F) p++;
                    if (p + 1 < end && *p == ' ' && (unsigned char)(p[1] - 0x21) < 0x5F) { p += 2; continue; }
                    break;
                }
                i = out = (int)(p - b);
                continue;
            }
            int start = i;
            do i++; while (i < n && (unsigned char)(b[i] - 0x21) < 0x5F);
            memmove(text + out, text + start, (size_t)(i - start));
            out += i - start;
            continue;
        }
        int length = hw_space_length(b, i, n);
        if (length > 0) { pending = out > 0; i += length; continue; }
        if (pending) { text[out++] = ' '; pending = 0; }
        text[out++] = text[i++];
    }
    text[out] = 0;
    return out;
}

/* Appends `value` as UTF-8 at text[*out] (never longer than the reference it replaces). */
static void hw_put_scalar(char *text, int *out, unsigned int value) {
    if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) value = 0xFFFD;
    int o = *out;
    if (value < 0x80) text[o++] = (char)value;
    else if (value < 0x800) { text[o++] = (char)(0xC0 | (value >> 6)); text[o++] = (char)(0x80 | (value & 0x3F)); }
    else if (value < 0x10000) {
        text[o++] = (char)(0xE0 | (value >> 12)); text[o++] = (char)(0x80 | ((value >> 6) & 0x3F));
        text[o++] = (char)(0x80 | (value & 0x3F));
    } else {
        text[o++] = (char)(0xF0 | (value >> 18)); text[o++] = (char)(0x80 | ((value >> 12) & 0x3F));
        text[o++] = (char)(0x80 | ((value >> 6) & 0x3F)); text[o++] = (char)(0x80 | (value & 0x3F));
    }
    *out = o;
}

/* The value of the reference name[0..<n] (between '&' and ';'): 1 with *value set, 0 when it
   stays literal, -1 when only the Swift decoder can say (a signed number: UInt32("+65")). */
static int hw_reference_value(const char *name, int n, unsigned int *value) {
    if (n <= 0) return 0;
    if (name[0] != '#') {
        char copy[32];
        for (int i = 0; i < n; i++) {
            unsigned char c = (unsigned char)name[i];
            if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))) return 0;
            copy[i] = (char)c;
        }
        copy[n] = 0;
        const htmlEntityDesc *entity = htmlEntityLookup((const xmlChar *)copy);
        if (entity == NULL || entity->value == 0) return 0;
        *value = entity->value;
        return 1;
    }
    int i = 1, hex = 0;
    if (i < n && (name[i] == 'x' || name[i] == 'X')) { hex = 1; i++; }
    if (i < n && (name[i] == '+' || name[i] == '-')) return -1;
    if (i >= n) return 0;
    unsigned long long total = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        int digit;
        if (c >= '0' && c <= '9') digit = c - '0';
        else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') digit = (c | 0x20) - 'a' + 10;
        else return 0;
        total = total * (hex ? 16 : 10) + (unsigned long long)digit;
        if (total > 0xFFFFFFFFull) return 0;  /* UInt32 overflow: literal */
    }
    *value = (unsigned int)total;
    return 1;
}

/* FeedText.decodeReferences in place, for text already collapsed: `&name;` / `&#N;` / `&#xH;`
   (the ';' within 32 characters) become their character, anything else stays as written.
   Returns the new length, or -1 when a reference needs the Swift decoder (grapheme clusters
   around the ';', a signed number), leaving the text untouched. */
static int hw_decode_references(char *text, int n) {
    /* First pass: can every reference be decided here? */
    for (int i = 0; i < n; i++) {
        if (text[i] != '&') continue;
        int limit = i + 1 + 32 < n ? i + 1 + 32 : n;
        for (int j = i + 1; j < limit; j++) {
            if (text[j] != ';') continue;
            /* A combining mark after ';' makes one Character of it, which Swift does not match. */
            if (j + 1 < n && (unsigned char)text[j + 1] >= 0x80) return -1;
            unsigned int value;
            if (hw_reference_value(text + i + 1, j - i - 1, &value) < 0) return -1;
            break;
        }
        /* A non-ASCII byte within the 32 means fewer than 32 Characters: the ';' may lie further.
           Such a name never decodes (it is not an entity name nor digits), so '&' stays literal. */
    }
    int out = 0;
    for (int i = 0; i < n;) {
        if (text[i] != '&') { text[out++] = text[i++]; continue; }
        int limit = i + 1 + 32 < n ? i + 1 + 32 : n, semi = -1;
        for (int j = i + 1; j < limit; j++) if (text[j] == ';') { semi = j; break; }
        unsigned int value;
        if (semi > 0 && hw_reference_value(text + i + 1, semi - i - 1, &value) == 1) {
            hw_put_scalar(text, &out, value);
            i = semi + 1;
            continue;
        }
        text[out++] = text[i++];
    }
    text[out] = 0;
    return out;
}

char *hw_field_text(xmlNodePtr node, int html, int *length, int *references) {
    /* Collected behind a BOM, so that markup can go to the HTML parser without another copy. */
    hw_buffer buffer = {malloc(256), 0, 256};
    *references = 0;
    if (buffer.data == NULL) { *length = 0; return NULL; }
    hw_append(&buffer, hw_bom, 3);
    hw_collect_text(node, &buffer);
    char *text = buffer.data;
    int n = buffer.length - 3;
    if (html && n > 0 && memchr(text + 3, '<', (size_t)n) != NULL) {
        hw_buffer simple = {malloc((size_t)n + 64), 0, n + 64};
        if (simple.data != NULL && hw_html_fast(text + 3, n, &simple)) {
            free(text);
            *length = hw_collapse(simple.data, simple.length);
            return simple.data;
        }
        free(simple.data);
        int parsed = 0;
        char *plain = hw_html_text_marked(text, n + 3, &parsed);
        if (plain != NULL) { free(text); *length = hw_collapse(plain, parsed); return plain; }
    }
    memmove(text, text + 3, (size_t)n + 1);
    *length = hw_collapse(text, n);
    if (html && *length > 0 && memchr(text, '&', (size_t)*length) != NULL) {
        /* References only (no markup): decoded here, without a parser or a Swift pass. */
        int decoded = hw_decode_references(text, *length);
        if (decoded < 0) *references = 1;
        else *length = hw_collapse(text, decoded);
    }
    return text;
}

int hw_field_name(const xmlChar *name) {
    static const char *const names[] = {NULL, "title", "link", "guid", "id", "pubDate", "published", "issued",
        "date", "created", "updated", "modified", "description", "summary", "content", "encoded", "category", "subject"};
    if (name == NULL) return 0;
    for (int k = 1; k < (int)(sizeof(names) / sizeof(names[0])); k++) {
        if (names[k][0] == (char)name[0] && strcmp(names[k], (const char *)name) == 0) return k;
    }
    return 0;
}

unsigned int hw_html_entity(const char *name) {
    const htmlEntityDesc *entity = htmlEntityLookup((const xmlChar *)name);
    return entity ? entity->value : 0;
}

static void hw_silent(void *context, xmlErrorPtr error) { (void)context; (void)error; }

void hw_xpath_quiet(void) { xmlSetStructuredErrorFunc(NULL, hw_silent); }

int hw_xpath_compiles(const char *expression) {
    hw_xpath_quiet();
    xmlXPathCompExprPtr compiled = xmlXPathCompile((const xmlChar *)expression);
    if (compiled == NULL) return 0;
    xmlXPathFreeCompExpr(compiled);
    return 1;
}

long hw_find(const void *haystack, long size, const void *needle, long length) {
    if (length <= 0 || size < length) return -1;
    const char *found = memmem(haystack, (size_t)size, needle, (size_t)length);
    return found ? (long)(found - (const char *)haystack) : -1;
}

void hw_free(void *pointer) { free(pointer); }

void hw_xml_free(void *pointer) { xmlFree(pointer); }

int hw_utf8_valid(const unsigned char *b, int n) {
    int i = 0;
    while (i < n) {
        /* ASCII eight bytes at a time: feeds are mostly ASCII (7 instructions a byte before). */
        while (i + 8 <= n) {
            uint64_t word;
            memcpy(&word, b + i, 8);
            if (word & 0x8080808080808080ull) break;
            i += 8;
        }
        if (i >= n) break;
        unsigned char c = b[i];
        if (c < 0x80) { i++; continue; }
        int length; unsigned int min;
        if (c >= 0xC2 && c <= 0xDF) { length = 2; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { length = 3; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { length = 4; min = 0x10000; }
        else return 0;
        if (i + length > n) return 0;
        unsigned int value = c & (0x7F >> length);
        for (int k = 1; k < length; k++) {
            if ((b[i + k] & 0xC0) != 0x80) return 0;
            value = (value << 6) | (b[i + k] & 0x3F);
        }
        if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
        i += length;
    }
    return 1;
}

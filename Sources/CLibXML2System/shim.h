// libxml2's headers live in /usr/include/libxml2; pkg-config (libxml-2.0) gives that path to
// every target that depends on this one, including the CLibXML2 shim.
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

<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows an RSS or Atom feed opened in a browser as a readable page. -->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/">
    <xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <link rel="stylesheet" href="/assets/style.css"/>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"/>
      </head>
      <body>
        <main id="main" class="wrap">
          <p class="post-meta">This is a web feed. Copy its address into your feed reader to follow new posts.</p>
          <h1><xsl:value-of select="$title"/></h1>
          <xsl:for-each select="/rss/channel/item">
            <article class="summary">
              <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
              <p class="post-meta"><xsl:value-of select="pubDate"/></p>
            </article>
          </xsl:for-each>
          <xsl:for-each select="/atom:feed/atom:entry">
            <article class="summary">
              <h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
              <p class="post-meta"><xsl:value-of select="substring(atom:published, 1, 10)"/></p>
            </article>
          </xsl:for-each>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>

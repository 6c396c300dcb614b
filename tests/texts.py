"""Real text in many languages, for the loader's code-page tests and benchmark.

Each text is a few hundred characters of ordinary prose (news, notices, customer notes), the kind of
free text a CRM or ERP export carries. ``CODE_PAGES`` pairs each with the legacy code pages that
systems in that language write; the tests encode the text with Python's codecs and check that the
loader reads it back exactly.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "russian": (
        "Вчера в Москве прошло совещание руководителей региональных отделений компании. Обсуждали поставки "
        "оборудования, сроки оплаты и новые требования к отчётности. Директор по продажам сообщил, что объём "
        "заказов за третий квартал вырос на двенадцать процентов, а число жалоб клиентов заметно снизилось. "
        "Следующая встреча назначена на конец месяца; просьба подготовить предложения заранее."
    ),
    "ukrainian": (
        "Учора в Києві відбулася зустріч представників місцевих громад і підприємців. Говорили про ремонт доріг, "
        "підтримку малого бізнесу та ціни на електроенергію. Голова ради пообіцяв, що нові правила оренди "
        "землі набудуть чинності вже з наступного року, а заявки приймаються до п'ятниці включно. Усі "
        "учасники отримали примірник звіту й ґрунтовні відповіді на свої запитання."
    ),
    "bulgarian": (
        "В петък в София се проведе годишното събрание на акционерите на дружеството. Беше приет отчетът за "
        "изминалата година и бяха избрани нови членове на съвета на директорите. Печалбата нарасна с осем "
        "процента, главно заради износа към съседните държави. Акционерите решиха част от печалбата да бъде "
        "разпределена като дивидент, а останалата да се инвестира в ново производство."
    ),
    "greek": (
        "Χθες το απόγευμα πραγματοποιήθηκε στην Αθήνα η ετήσια συνάντηση των συνεργατών της εταιρείας. "
        "Συζητήθηκαν οι πωλήσεις του τελευταίου τριμήνου, οι νέες τιμές και η εξυπηρέτηση των πελατών. Ο "
        "διευθυντής ανακοίνωσε ότι οι παραγγελίες αυξήθηκαν σημαντικά και ότι σύντομα θα ανοίξει νέο "
        "κατάστημα στη Θεσσαλονίκη. Η επόμενη συνάντηση θα γίνει τον Μάρτιο."
    ),
    "hebrew": (
        "אתמול בערב התקיימה בתל אביב פגישה של מנהלי הסניפים של החברה. דנו במכירות של הרבעון האחרון, "
        "במחירים החדשים ובשירות הלקוחות. המנהל הכללי הודיע כי מספר ההזמנות גדל בצורה משמעותית וכי בקרוב "
        "ייפתח סניף חדש בחיפה. הפגישה הבאה תתקיים בחודש הבא, ויש להכין את הדוחות מראש."
    ),
    "arabic": (
        "عقد أمس في القاهرة اجتماع لمديري فروع الشركة في المنطقة. ناقش المجتمعون المبيعات في الربع الأخير "
        "والأسعار الجديدة وخدمة العملاء. وأعلن المدير العام أن عدد الطلبات ارتفع بشكل ملحوظ وأن فرعا جديدا "
        "سيفتتح قريبا في الإسكندرية. وسيعقد الاجتماع القادم في الشهر المقبل، ويرجى إعداد التقارير مسبقا."
    ),
    "turkish": (
        "Dün İstanbul'da şirketin bölge müdürleri bir araya geldi. Toplantıda son çeyreğin satışları, yeni "
        "fiyatlar ve müşteri hizmetleri konuşuldu. Genel müdür, siparişlerin belirgin şekilde arttığını ve "
        "yakında İzmir'de yeni bir şube açılacağını açıkladı. Bir sonraki toplantı gelecek ay yapılacak; "
        "raporların önceden hazırlanması rica olunur. Katılımcılar öğle yemeğinde görüşmeye devam etti."
    ),
    "polish": (
        "Wczoraj w Warszawie odbyło się spotkanie kierowników oddziałów regionalnych spółki. Rozmawiano o "
        "sprzedaży w ostatnim kwartale, nowych cenach i obsłudze klientów. Dyrektor generalny poinformował, "
        "że liczba zamówień znacząco wzrosła, a wkrótce zostanie otwarty nowy oddział w Łodzi. Następne "
        "spotkanie odbędzie się w przyszłym miesiącu; prosimy o wcześniejsze przygotowanie sprawozdań."
    ),
    "czech": (
        "Včera se v Praze uskutečnilo setkání vedoucích regionálních poboček společnosti. Hovořilo se o "
        "prodejích v posledním čtvrtletí, nových cenách a péči o zákazníky. Generální ředitel oznámil, že "
        "počet objednávek výrazně vzrostl a že brzy bude otevřena nová pobočka v Brně. Příští schůzka se "
        "uskuteční příští měsíc; prosíme o včasnou přípravu zpráv. Účastníci dostali kopii zápisu."
    ),
    "hungarian": (
        "Tegnap Budapesten találkoztak a vállalat regionális irodáinak vezetői. Szó esett az utolsó negyedév "
        "eladásairól, az új árakról és az ügyfélszolgálatról. A vezérigazgató bejelentette, hogy a "
        "megrendelések száma jelentősen nőtt, és hamarosan új iroda nyílik Győrben. A következő megbeszélés "
        "jövő hónapban lesz; kérjük, a jelentéseket előre készítsék el. Köszönjük a türelmüket."
    ),
    "romanian": (
        "Ieri la București a avut loc întâlnirea directorilor filialelor regionale ale companiei. S-a discutat "
        "despre vânzările din ultimul trimestru, noile prețuri și serviciul pentru clienți. Directorul general "
        "a anunțat că numărul comenzilor a crescut semnificativ și că în curând se va deschide o nouă filială "
        "la Iași. Următoarea întâlnire va avea loc luna viitoare."
    ),
    "lithuanian": (
        "Vakar Vilniuje įvyko bendrovės regioninių padalinių vadovų susitikimas. Buvo aptarti paskutinio "
        "ketvirčio pardavimai, naujos kainos ir klientų aptarnavimas. Generalinis direktorius pranešė, kad "
        "užsakymų skaičius gerokai išaugo ir netrukus Kaune bus atidarytas naujas padalinys. Kitas "
        "susitikimas vyks kitą mėnesį; prašome iš anksto paruošti ataskaitas. Ačiū už dėmesį."
    ),
    "latvian": (
        "Vakar Rīgā notika uzņēmuma reģionālo nodaļu vadītāju sanāksme. Tika apspriesti pēdējā ceturkšņa "
        "pārdošanas rezultāti, jaunās cenas un klientu apkalpošana. Ģenerāldirektors paziņoja, ka pasūtījumu "
        "skaits ir ievērojami pieaudzis un drīzumā Liepājā tiks atvērta jauna nodaļa. Nākamā sanāksme notiks "
        "nākammēnes; lūdzam ziņojumus sagatavot laikus."
    ),
    "thai": (
        "เมื่อวานนี้ที่กรุงเทพมหานครมีการประชุมผู้จัดการสาขาของบริษัททั่วประเทศ ที่ประชุมได้หารือเรื่องยอดขายในไตรมาสล่าสุด "
        "ราคาสินค้าใหม่ และการบริการลูกค้า ผู้จัดการใหญ่แจ้งว่าจำนวนคำสั่งซื้อเพิ่มขึ้นอย่างมาก และจะเปิดสาขาใหม่ที่เชียงใหม่ในเร็ว ๆ นี้ "
        "การประชุมครั้งต่อไปจะจัดขึ้นในเดือนหน้า ขอให้ทุกท่านเตรียมรายงานล่วงหน้า"
    ),
    "japanese": (
        "昨日、東京本社で各地域の支店長会議が開かれました。会議では、前四半期の売上、新しい価格体系、"
        "そして顧客サービスの改善について話し合われました。社長は、注文件数が大幅に増加したこと、"
        "また近いうちに大阪に新しい支店を開設する予定であることを発表しました。次回の会議は来月に"
        "予定されていますので、報告書を事前に準備してください。ご協力をお願いいたします。"
    ),
    "chinese_simplified": (
        "昨天，公司各地区分公司经理在北京总部召开了会议。会议讨论了上一季度的销售情况、新的价格体系"
        "以及客户服务的改进。总经理宣布，订单数量大幅增加，并且不久将在上海开设新的分公司。下一次会议"
        "定于下个月举行，请各位提前准备好报告。感谢大家的支持与配合，祝工作顺利。"
    ),
    "chinese_traditional": (
        "昨天，公司各地區分公司經理在台北總部召開了會議。會議討論了上一季度的銷售情況、新的價格體系"
        "以及客戶服務的改進。總經理宣布，訂單數量大幅增加，並且不久將在高雄開設新的分公司。下一次會議"
        "定於下個月舉行，請各位提前準備好報告。感謝大家的支持與配合，祝工作順利。"
    ),
    "korean": (
        "어제 서울 본사에서 각 지역 지점장 회의가 열렸습니다. 회의에서는 지난 분기의 매출, 새로운 가격 "
        "체계, 그리고 고객 서비스 개선에 대해 논의했습니다. 사장은 주문 건수가 크게 늘었으며 곧 부산에 "
        "새로운 지점을 열 예정이라고 발표했습니다. 다음 회의는 다음 달에 열릴 예정이니 보고서를 미리 "
        "준비해 주시기 바랍니다. 협조해 주셔서 감사합니다."
    ),
    "french": (
        "Hier à Besançon s'est tenue la réunion annuelle des responsables régionaux. On a évoqué les ventes "
        "du dernier trimestre, les nouveaux tarifs et la qualité du service après-vente. Le directeur général "
        "a annoncé que les commandes avaient nettement augmenté et qu'une agence ouvrirait bientôt à Orléans. "
        "La prochaine réunion aura lieu en février ; merci de préparer vos rapports à l'avance."
    ),
    "german": (
        "Gestern fand in München die jährliche Versammlung der Filialleiter statt. Besprochen wurden die "
        "Umsätze des letzten Quartals, die neuen Preise und die Qualität des Kundendienstes. Der "
        "Geschäftsführer teilte mit, dass die Bestellungen deutlich gestiegen seien und bald eine neue "
        "Filiale in Köln eröffnet werde. Die nächste Sitzung findet im März statt; Grüße an alle Kollegen."
    ),
    "spanish": (
        "Ayer se celebró en Logroño la reunión anual de los directores de las sucursales. Se habló de las "
        "ventas del último trimestre, de los nuevos precios y de la atención al cliente. El director general "
        "anunció que los pedidos habían aumentado mucho y que pronto se abrirá una oficina en A Coruña. "
        "La próxima reunión será en marzo; por favor, preparen sus informes con antelación. ¡Gracias!"
    ),
    "portuguese": (
        "Ontem realizou-se em São Paulo a reunião anual dos gerentes das filiais. Falou-se das vendas do "
        "último trimestre, dos novos preços e do atendimento ao cliente. O diretor-geral anunciou que as "
        "encomendas aumentaram bastante e que em breve será aberta uma nova filial em Brasília. A próxima "
        "reunião será em março; pedimos que preparem os relatórios com antecedência. Obrigado a todos."
    ),
    "icelandic": (
        "Í gær var haldinn í Reykjavík árlegur fundur útibússtjóra fyrirtækisins. Rætt var um sölu síðasta "
        "ársfjórðungs, nýtt verð og þjónustu við viðskiptavini. Forstjórinn tilkynnti að pöntunum hefði "
        "fjölgað verulega og að brátt yrði opnað nýtt útibú á Akureyri. Næsti fundur verður haldinn í mars; "
        "vinsamlegast undirbúið skýrslurnar tímanlega. Þökkum fyrir þátttökuna."
    ),
}

# Romanian as legacy Windows systems wrote it: cp1250 has only the cedilla forms of ș and ț.
TEXTS["romanian_cedilla"] = TEXTS["romanian"].translate(str.maketrans("șțȘȚ", "şţŞŢ"))

# (language, code page): what a system in that language writes when it does not write UTF-8.
CODE_PAGES: list[tuple[str, str]] = [
    ("russian", "cp1251"),
    ("russian", "koi8_r"),
    ("russian", "iso8859_5"),
    ("russian", "cp866"),
    ("russian", "cp855"),
    ("russian", "mac_cyrillic"),
    ("ukrainian", "koi8_u"),
    ("ukrainian", "cp1251"),
    ("bulgarian", "cp1251"),
    ("bulgarian", "iso8859_5"),
    ("greek", "cp1253"),
    ("greek", "iso8859_7"),
    ("greek", "cp737"),
    ("hebrew", "cp1255"),
    ("hebrew", "iso8859_8"),
    ("hebrew", "cp862"),
    ("arabic", "cp1256"),
    ("arabic", "iso8859_6"),
    ("turkish", "cp1254"),
    ("turkish", "iso8859_9"),
    ("turkish", "cp857"),
    ("polish", "cp1250"),
    ("polish", "iso8859_2"),
    ("polish", "cp852"),
    ("czech", "cp1250"),
    ("czech", "iso8859_2"),
    ("hungarian", "cp1250"),
    ("hungarian", "iso8859_2"),
    ("romanian", "iso8859_16"),
    ("romanian_cedilla", "cp1250"),
    ("lithuanian", "cp1257"),
    ("lithuanian", "iso8859_13"),
    ("latvian", "cp1257"),
    ("latvian", "iso8859_4"),
    ("thai", "tis_620"),
    ("thai", "cp874"),
    ("japanese", "shift_jis"),
    ("japanese", "cp932"),
    ("japanese", "euc_jp"),
    ("japanese", "iso2022_jp"),
    ("chinese_simplified", "gb2312"),
    ("chinese_simplified", "gbk"),
    ("chinese_simplified", "gb18030"),
    ("chinese_traditional", "big5"),
    ("chinese_traditional", "cp950"),
    ("korean", "euc_kr"),
    ("korean", "cp949"),
    ("french", "cp1252"),
    ("french", "latin_1"),
    ("french", "mac_roman"),
    ("german", "cp1252"),
    ("german", "cp850"),
    ("german", "iso8859_15"),
    ("spanish", "cp1252"),
    ("spanish", "latin_1"),
    ("portuguese", "cp1252"),
    ("portuguese", "cp860"),
    ("icelandic", "cp1252"),
    ("icelandic", "cp861"),
]
